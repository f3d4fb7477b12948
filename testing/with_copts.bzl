"""A binary built once more with extra compiler options, for tests.

binary_with_copts builds `binary` in a configuration that adds `copts` to
every C compile (a Starlark configuration transition on --copt), and puts
it in the directory `name`, under its own name: a test-only build setting
that needs no separate `bazel build` invocation. The regression gate's test
uses it for the pool runner with a deliberate regression compiled in
(allocator/pool/pool_types.h).
"""

def _add_copts_impl(settings, attr):
    return {"//command_line_option:copt": settings["//command_line_option:copt"] + attr.copts}

_add_copts = transition(
    implementation = _add_copts_impl,
    inputs = ["//command_line_option:copt"],
    outputs = ["//command_line_option:copt"],
)

def _binary_with_copts_impl(ctx):
    built = ctx.attr.binary[0][DefaultInfo]
    executable = built.files_to_run.executable
    out = ctx.actions.declare_file(ctx.attr.name + "/" + executable.basename)
    ctx.actions.symlink(output = out, target_file = executable, is_executable = True)
    runfiles = ctx.runfiles(files = [out]).merge(built.default_runfiles)
    return [DefaultInfo(files = depset([out]), runfiles = runfiles)]

binary_with_copts = rule(
    implementation = _binary_with_copts_impl,
    attrs = {
        "binary": attr.label(cfg = _add_copts, executable = True, mandatory = True),
        "copts": attr.string_list(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
