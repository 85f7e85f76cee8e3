/** The help texts, one per command, kept together so they stay consistent. */
import { EXECUTOR_FLAGS_HELP } from "../executor/flags.ts";

export const MAIN_HELP = `Usage: jetway <command> [options]

Run Concourse resource types natively.

Commands:
  resource list                  list the natively implemented resource types
  resource <type> check          run check: request JSON on stdin, versions on stdout
  resource <type> in <dir>       run in (get) into <dir>
  resource <type> out <dir>      run out (put) from <dir>
  resource <type> schema         print the JSON Schema of the type's source and params
  validate <pipeline.yml>        check a Concourse pipeline and list every problem
  run <pipeline.yml>             run every job that is due, then exit (--job NAME: one job)
  watch <pipeline.yml>           check resources and trigger jobs until interrupted
  builds                         list the builds in the state (.jetway/)
  logs <job> [build]             print a build's log (the job's latest by default)

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


const RUN_OPTIONS = `Options:
  -d, --driver SPEC             where tasks run: native (default: host processes),
                                docker?volumes=host, k8s://NAMESPACE?kubeconfig=FILE
      --state DIR               the state dir (default .jetway in the current dir)
${EXECUTOR_FLAGS_HELP}
  -v, --var NAME=VALUE          a var, as fly set-pipeline takes it
  -y, --yaml-var NAME=YAML      a var with a YAML value
  -l, --load-vars-from FILE     a YAML file of name: value
Values of vars whose name looks secret (password, key, token, secret) are
redacted from the logs.`;

export const RUN_HELP = `Usage: jetway run <pipeline.yml> [--job NAME] [--driver SPEC] [--state DIR] [-v/-y/-l ...]

Runs a Concourse pipeline on this machine, then exits. Resources are checked
once; then every job that is due runs, upstream jobs first (a job waits for the
jobs its passed constraints name). A job is due when a trigger: true input has
a version the job has not used yet, or when the job has never run and its
inputs are available. Each job runs at most once per jetway run.
Exit 0 when every build succeeded (or none was due), 1 when one failed or
errored, 130 when interrupted (Ctrl-C aborts builds; on_abort and ensure run).

  -j, --job NAME                run this job once, triggered or not
${RUN_OPTIONS}

Examples:
  jetway run examples/hello-world.yml
  jetway run ci/pipeline.yml --job unit -l ci/vars.yml
  jetway run ci/pipeline.yml --driver 'docker?volumes=host'`;

export const WATCH_HELP = `Usage: jetway watch <pipeline.yml> [--driver SPEC] [--state DIR] [-v/-y/-l ...]

Runs a Concourse pipeline until interrupted: each resource is checked every
check_every (default 1m), and jobs are triggered as in Concourse (and jobs that
have never run, once their inputs are available). SIGINT or SIGTERM aborts the
running builds (their on_abort and ensure hooks run) and exits.

${RUN_OPTIONS}`;

export const BUILDS_HELP = `Usage: jetway builds [--state DIR] [--job NAME] [--pipeline NAME] [-n COUNT]

Lists the builds in the state, newest first (50 unless -n says otherwise):
pipeline, build, status, start, duration, and why a build did not succeed.`;

export const LOGS_HELP = `Usage: jetway logs <job> [build] [--state DIR] [--pipeline NAME]

Prints a build's log as it was shown live: the job's latest build, or the
build with that number. Exit 0 for a build that succeeded (or still runs),
1 otherwise.`;
