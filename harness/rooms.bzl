"""What every room of harness/ declares alike."""

def room_sources(exclude = []):
    """The room's sources, tests left out, for //harness:names_no_backend_test."""
    native.filegroup(
        name = "sources",
        srcs = native.glob(
            ["*.c", "*.h"],
            exclude = ["*_test.c"] + exclude,
        ),
        visibility = ["//harness:__pkg__"],
    )
