/** The help texts, one per command, kept together so they stay consistent. */

export const MAIN_HELP = `Usage: jetway <command> [options]

Run Concourse resource types natively.

Commands:
  resource list                  list the natively implemented resource types
  resource <type> check          run check: request JSON on stdin, versions on stdout
  resource <type> in <dir>       run in (get) into <dir>
  resource <type> out <dir>      run out (put) from <dir>
  resource <type> schema         print the JSON Schema of the type's source and params
  validate <pipeline.yml>        check a Concourse pipeline and list every problem

Options:
  -h, --help     show help for a command
  -v, --version  print jetway's version

Set JETWAY_DEBUG=1 to print stack traces of unexpected errors.`;

export const RESOURCE_HELP = `Usage: jetway resource <type> <check|in|out|schema> [dir]
       jetway resource list

Runs one operation of a native resource type exactly as Concourse runs
/opt/resource/{check,in,out}: the request JSON is read from stdin, the
response JSON is written to stdout, logs go to stderr.

Examples:
  echo '{"source":{"interval":"1h"}}' | jetway resource time check
  echo '{"source":{},"version":{"version":"1"}}' | jetway resource mock in ./out`;

export const OPERATION_HELP: Record<string, string> = {
  check: `Usage: jetway resource <type> check

Reads {"source": ..., "version": ...} on stdin and prints the list of versions
(oldest first) on stdout.`,
  in: `Usage: jetway resource <type> in <dir>

Reads {"source": ..., "version": ..., "params": ...} on stdin, fetches the version
into <dir> and prints {"version": ..., "metadata": ...} on stdout.`,
  out: `Usage: jetway resource <type> out <dir>

Reads {"source": ..., "params": ...} on stdin, pushes from the build directory
<dir> and prints {"version": ..., "metadata": ...} on stdout.`,
  schema: `Usage: jetway resource <type> schema

Prints the JSON Schema (draft 2020-12) of the type's source, version, get params
and put params, generated from the type's own validation schemas.`,
  list: `Usage: jetway resource list

Lists the resource types jetway implements natively.`,
};

export const VALIDATE_HELP = `Usage: jetway validate <pipeline.yml> [-v NAME=VALUE] [-y NAME=YAML] [-l VARS.yml]

Checks a Concourse pipeline without running it, and lists every problem as
\`path (line N): message\`: YAML errors, unknown keys and wrong types, ((vars))
without a value, get/put/passed/groups naming what does not exist, cycles in
passed, artifacts used before a step makes them, and, for resources jetway
runs natively, the source and params as the resource type itself reads them.
Exit 0 when the pipeline is valid, 1 when it has problems.

Vars (as fly set-pipeline takes them; flags win over files, -y over -v, later over earlier):
  -v, --var NAME=VALUE          a string value; NAME may be name.field or source:name
  -y, --yaml-var NAME=YAML      a YAML value (number, list, map...)
  -l, --load-vars-from FILE     a YAML file of name: value

Examples:
  jetway validate ci/pipeline.yml
  jetway validate ci/pipeline.yml -l ci/vars.yml -v branch=main -y 'retries=3'`;
