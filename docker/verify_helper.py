#!/usr/bin/env python3
"""Parsing and checking for docker/verify.sh (which runs the commands; this file only reads and compares).

    verify_helper.py plan DOCKERFILE OUTDIR     the Dockerfile as bash: OUTDIR/build.sh, OUTDIR/runtime.sh
                                                 (calls to functions verify.sh defines) and OUTDIR/image.sh
                                                 (variables: packages, ENV, USER, ENTRYPOINT, ...)
    verify_helper.py copy REPO DEST SRC...      Docker's COPY SRC... DEST from the context REPO, honouring
                                                 REPO/.dockerignore
    verify_helper.py excluded REPO PATH...      exit 0 if .dockerignore excludes every PATH
    verify_helper.py taskdef JSON               the task definition as bash variables (after checking it)
    verify_helper.py unit UNITFILE              the systemd unit as bash variables
    verify_helper.py envfile FILE               KEY=VALUE lines (systemd EnvironmentFile syntax) as bash
    verify_helper.py libs BINARY RUNTIME_LIST BASE_LIST HEALTHCHECK_EXE
                                                 maps `ldd BINARY` to packages with `dpkg -S` (host)
    verify_helper.py claims DOCKERFILE TASKDEF UNIT   cross-checks of the three files

Each check prints `PASS name: detail` or `FAIL name: detail`; the exit code is the number of failures.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

# ---------------------------------------------------------------------------------------------------
# Dockerfile

SUPPORTED = {"FROM", "ARG", "LABEL", "RUN", "COPY", "WORKDIR", "ENV", "USER", "VOLUME", "EXPOSE",
             "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD"}


def read_instructions(path):
    """(line number, INSTRUCTION, rest) with continuations joined as Docker joins them."""
    out, buf, start = [], "", None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            stripped = line.strip()
            if not buf and (not stripped or stripped.startswith("#")):
                continue
            if buf and stripped.startswith("#"):
                continue  # Docker drops comment lines inside a continuation
            if start is None:
                start = number
            if line.rstrip().endswith("\\"):
                buf += line.rstrip()[:-1]
                continue
            buf += line
            op, _, rest = buf.strip().partition(" ")
            out.append((start, op.upper(), rest.strip()))
            buf, start = "", None
    if buf:
        raise SystemExit(f"{path}: the last instruction ends in a continuation")
    return out


def json_or_shell(rest):
    """The exec (JSON array) form as a list, or the shell form as ['/bin/sh', '-c', rest]."""
    if rest.startswith("["):
        return json.loads(rest), True
    return ["/bin/sh", "-c", rest], False


def split_flags(rest):
    flags = {}
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name] = value
        rest = rest.strip()
    return flags, rest


def parse_kv(rest):
    """ENV/LABEL/ARG: KEY=VALUE pairs (shell quoting), or the legacy `ENV KEY VALUE` form."""
    words = shlex.split(rest)
    if words and "=" not in words[0]:
        return {words[0]: rest.split(None, 1)[1] if len(words) > 1 else ""}
    pairs = {}
    for w in words:
        key, _, value = w.partition("=")
        pairs[key] = value
    return pairs


def apt_packages(command):
    """The package names of every `apt-get install` in a RUN line."""
    packages = []
    for part in re.split(r"&&|;|\|\|", command):
        words = part.split()
        if "apt-get" in words and "install" in words:
            after = words[words.index("install") + 1:]
            packages += [w for w in after if not w.startswith("-")]
    return packages


def model(path):
    stages, problems = [], []
    for number, op, rest in read_instructions(path):
        if op not in SUPPORTED:
            problems.append(f"line {number}: {op} is not one verify.sh replays")
            continue
        if op == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append({"from": words[0], "name": name, "steps": [], "args": {}})
            continue
        if not stages:
            problems.append(f"line {number}: {op} before FROM")
            continue
        stage = stages[-1]
        step = {"op": op, "line": number, "raw": rest}
        if op == "RUN":
            step["command"] = rest
            step["apt"] = apt_packages(rest)
        elif op == "COPY":
            flags, rest2 = split_flags(rest)
            words = json.loads(rest2) if rest2.startswith("[") else shlex.split(rest2)
            step.update(flags=flags, sources=words[:-1], dest=words[-1])
            for flag in flags:
                if flag not in ("from",):
                    problems.append(f"line {number}: COPY --{flag} is not replayed by verify.sh")
        elif op in ("ENV", "LABEL", "ARG"):
            if op == "ARG" and "=" not in rest:
                step["pairs"] = {rest.strip(): ""}
            else:
                step["pairs"] = parse_kv(rest)
            if op == "ARG":
                stage["args"].update(step["pairs"])
        elif op in ("ENTRYPOINT", "CMD"):
            step["argv"], step["exec_form"] = json_or_shell(rest)
        elif op == "HEALTHCHECK":
            flags, rest2 = split_flags(rest)
            kind, _, command = rest2.partition(" ")
            step["flags"] = flags
            step["none"] = kind.upper() == "NONE"
            if not step["none"]:
                step["argv"], step["exec_form"] = json_or_shell(command.strip())
        elif op == "VOLUME":
            step["paths"] = json.loads(rest) if rest.startswith("[") else rest.split()
        elif op in ("WORKDIR", "USER", "STOPSIGNAL"):
            step["value"] = rest
        elif op == "EXPOSE":
            step["ports"] = rest.split()
        stage["steps"].append(step)
    return stages, problems


def substitute_args(text, args):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m.group(1) or m.group(2), m.group(0)), text)


def image_facts(stages):
    """What the final stage says about the image."""
    final = stages[-1]
    facts = {"env": {}, "labels": {}, "volumes": [], "expose": [], "user": "", "workdir": "/",
             "entrypoint": [], "cmd": [], "healthcheck": None, "healthcheck_flags": {},
             "stopsignal": "", "packages": [], "base": final["from"]}
    for step in final["steps"]:
        op = step["op"]
        if op == "ENV":
            facts["env"].update(step["pairs"])
        elif op == "LABEL":
            facts["labels"].update({k: substitute_args(v, final["args"]) for k, v in step["pairs"].items()})
        elif op == "VOLUME":
            facts["volumes"] += step["paths"]
        elif op == "EXPOSE":
            facts["expose"] += step["ports"]
        elif op == "USER":
            facts["user"] = step["value"]
        elif op == "WORKDIR":
            facts["workdir"] = os.path.join(facts["workdir"], step["value"])
        elif op == "ENTRYPOINT":
            facts["entrypoint"] = step["argv"]
            facts["cmd"] = []  # Docker resets CMD when ENTRYPOINT is set after it
        elif op == "CMD":
            facts["cmd"] = step["argv"]
        elif op == "HEALTHCHECK":
            facts["healthcheck"] = None if step["none"] else step["argv"]
            facts["healthcheck_flags"] = step["flags"]
        elif op == "STOPSIGNAL":
            facts["stopsignal"] = step["value"]
        elif op == "RUN":
            facts["packages"] += step["apt"]
    return facts


def bash_array(name, values):
    return f"{name}=({' '.join(shlex.quote(v) for v in values)})"


def bash_var(name, value):
    return f"{name}={shlex.quote(str(value))}"


def plan(dockerfile, outdir):
    stages, problems = model(dockerfile)
    if len(stages) != 2:
        problems.append(f"{len(stages)} stages; verify.sh replays a build stage and a runtime stage")
    if problems:
        for p in problems:
            print(f"FAIL dockerfile: {p}")
        return len(problems)
    build, runtime = stages
    os.makedirs(outdir, exist_ok=True)

    lines = [f"# build stage ({build['name']}, FROM {build['from']})", bash_var("BUILD_FROM", build["from"])]
    workdir = "/"
    for step in build["steps"]:
        op = step["op"]
        if op == "WORKDIR":
            workdir = os.path.join(workdir, step["value"])
            lines.append(bash_var("BUILD_WORKDIR", workdir))
        elif op == "RUN" and step["apt"]:
            lines.append(f"# line {step['line']}: apt-get install, checked against the host")
            lines.append("build_packages " + " ".join(shlex.quote(p) for p in step["apt"]))
        elif op == "RUN":
            lines.append(f"build_run {shlex.quote(step['command'])}  # line {step['line']}")
        elif op == "COPY":
            if step["flags"]:
                problems.append(f"line {step['line']}: COPY --from in the build stage")
            dest = os.path.normpath(os.path.join(workdir, step["dest"]))
            if not (dest + "/").startswith(workdir.rstrip("/") + "/"):
                problems.append(f"line {step['line']}: COPY outside WORKDIR ({dest}) is not replayed")
            rel = os.path.relpath(dest, workdir)
            if step["dest"].endswith("/") or step["dest"] in (".", "./"):
                rel = rel.rstrip("/") + "/"
            lines.append("build_copy " + " ".join(shlex.quote(s) for s in [rel] + step["sources"]))
        elif op in ("ENV", "ARG", "USER"):
            problems.append(f"line {step['line']}: {op} in the build stage is not replayed by verify.sh")
    with open(os.path.join(outdir, "build.sh"), "w") as f:
        f.write("\n".join(lines) + "\n")

    lines = [f"# runtime stage (FROM {runtime['from']})"]
    workdir, seen_copy = "/", False
    for step in runtime["steps"]:
        op = step["op"]
        if op == "WORKDIR":
            workdir = os.path.join(workdir, step["value"])
            lines.append(f"runtime_workdir {shlex.quote(workdir)}")
        elif op == "RUN":
            if seen_copy:
                problems.append(f"line {step['line']}: runtime RUN after a COPY (verify.sh caches the RUN layers as one)")
            lines.append(f"runtime_run {shlex.quote(step['command'])}  # line {step['line']}")
        elif op == "COPY":
            seen_copy = True
            dest = os.path.normpath(os.path.join(workdir, step["dest"]))
            if step["dest"].endswith("/") or step["dest"] in (".", "./"):
                dest = dest.rstrip("/") + "/"
            source_stage = step["flags"].get("from")
            if source_stage:
                if source_stage != build["name"]:
                    problems.append(f"line {step['line']}: COPY --from={source_stage} names no stage")
                srcs = []
                for s in step["sources"]:
                    if not s.startswith("/"):
                        problems.append(f"line {step['line']}: COPY --from with a relative source")
                    srcs.append(s)
                lines.append("runtime_copy_from_build " + " ".join(shlex.quote(x) for x in [dest] + srcs))
            else:
                lines.append("runtime_copy_context " + " ".join(shlex.quote(x) for x in [dest] + step["sources"]))
    with open(os.path.join(outdir, "runtime.sh"), "w") as f:
        f.write("\n".join(lines) + "\n")

    facts = image_facts(stages)
    env = facts["env"]
    lines = [
        bash_var("RUNTIME_FROM", runtime["from"]),
        bash_array("RUNTIME_PACKAGES", facts["packages"]),
        bash_var("IMAGE_USER", facts["user"]),
        bash_var("IMAGE_WORKDIR", facts["workdir"]),
        bash_array("IMAGE_ENV", [f"{k}={v}" for k, v in env.items()]),
        bash_array("IMAGE_COMMAND", facts["entrypoint"] + facts["cmd"]),
        bash_array("IMAGE_HEALTHCHECK", facts["healthcheck"] or []),
        bash_array("IMAGE_VOLUMES", facts["volumes"]),
        bash_array("IMAGE_EXPOSE", facts["expose"]),
        bash_var("IMAGE_STOPSIGNAL", facts["stopsignal"]),
        bash_var("IMAGE_DRAIN_SECONDS", env.get("FIREBREAK_SERVER_DRAIN_SECONDS", "20")),
        bash_var("IMAGE_LISTEN", env.get("FIREBREAK_LISTEN", env.get("FIREBREAK_SERVER_LISTEN", "127.0.0.1:8080"))),
    ]
    with open(os.path.join(outdir, "image.sh"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for p in problems:
        print(f"FAIL dockerfile: {p}")
    return len(problems)


# ---------------------------------------------------------------------------------------------------
# .dockerignore (the semantics of moby's patternmatcher: Go filepath.Match plus `**`, `!` exceptions,
# the last matching pattern wins, and a pattern that matches a parent folder matches what is inside)

def ignore_patterns(repo):
    patterns = []
    path = os.path.join(repo, ".dockerignore")
    if not os.path.exists(path):
        return patterns
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:].strip()
        line = os.path.normpath(line).lstrip("/")
        patterns.append((negate, re.compile(pattern_regex(line))))
    return patterns


def pattern_regex(pattern):
    out, i = "^", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern[i:i + 2] == "**":
                i += 2
                if pattern[i:i + 1] == "/":
                    out += "(.*/)?"
                    i += 1
                else:
                    out += ".*"
                continue
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.find("]", i)
            if end < 0:
                out += re.escape(c)
            else:
                body = pattern[i + 1:end]
                if body.startswith("^") or body.startswith("!"):
                    body = "^" + body[1:]
                out += "[" + body + "]"
                i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(c)
        i += 1
    return out + "$"


def is_excluded(rel, patterns):
    parts = rel.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in patterns:
        if any(regex.match(c) for c in candidates):
            excluded = not negate
    return excluded


def context_files(repo, source, patterns):
    """The files (relative to repo) under `source` that the context holds."""
    root = os.path.join(repo, source)
    if os.path.isfile(root) or os.path.islink(root):
        rel = os.path.normpath(source)
        return [] if is_excluded(rel, patterns) else [rel]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), repo)
            if not is_excluded(rel, patterns):
                files.append(rel)
    return files


def copy(repo, dest, sources):
    """Docker's COPY SRC... DEST; DEST is a path on this machine (verify.sh has mapped it)."""
    patterns = ignore_patterns(repo)
    for source in sources:
        rel_source = os.path.normpath(source).lstrip("/")
        full = os.path.join(repo, rel_source)
        if not os.path.exists(full) or (os.path.isfile(full) and is_excluded(rel_source, patterns)):
            print(f"COPY {source}: not in the build context (missing, or excluded by .dockerignore)", file=sys.stderr)
            return 1
        files = context_files(repo, rel_source, patterns)
        if os.path.isdir(full):
            for rel in files:
                target = os.path.join(dest, os.path.relpath(rel, rel_source))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(os.path.join(repo, rel), target)
        else:
            target = dest
            if dest.endswith("/") or len(sources) > 1 or os.path.isdir(dest):
                target = os.path.join(dest, os.path.basename(rel_source))
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            shutil.copy2(full, target)
    return 0


def excluded(repo, paths):
    patterns = ignore_patterns(repo)
    bad = [p for p in paths if not is_excluded(os.path.normpath(p), patterns)]
    for p in bad:
        print(f"not excluded by .dockerignore: {p}")
    return 1 if bad else 0


# ---------------------------------------------------------------------------------------------------
# ECS task definition

PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
# The placeholders of ecs-task-definition.json with example values (README: fill them, e.g. with envsubst).
EXAMPLES = {
    "AWS_REGION": "us-east-1",
    "IMAGE_URI": "123456789012.dkr.ecr.us-east-1.amazonaws.com/firebreak:1.0.0",
    "EXECUTION_ROLE_ARN": "arn:aws:iam::123456789012:role/firebreak-execution",
    "TASK_ROLE_ARN": "arn:aws:iam::123456789012:role/firebreak-task",
    "ACCESS_KEY_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:firebreak/firehose-access-key-AbCdEf",
    "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:firebreak-alerts",
}
ACCESS_KEY_VARIABLES = {"FIREBREAK_ACCESS_KEY", "FIREBREAK_FIREHOSE_ACCESS_KEY",
                        "FIREBREAK_ACCESS_KEY_FILE", "FIREBREAK_FIREHOSE_ACCESS_KEY_FILE"}


def taskdef(path):
    """Checks the task definition for what Fargate needs and prints it as bash variables (stdout);
    the PASS/FAIL lines go to stderr."""
    failures = 0

    def check(name, ok, detail):
        nonlocal failures
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", file=sys.stderr)
        failures += 0 if ok else 1

    try:
        text = open(path, encoding="utf-8").read()
        json.loads(text)
    except (OSError, ValueError) as e:
        check("task definition JSON", False, str(e))
        return 1
    check("task definition JSON", True, f"{path} parses")
    placeholders = sorted(set(PLACEHOLDER.findall(text)))
    unknown = [p for p in placeholders if p not in EXAMPLES]
    check("task definition placeholders", not unknown,
          "to fill: " + ", ".join("${" + p + "}" for p in placeholders) if not unknown
          else f"not documented in verify_helper.EXAMPLES: {unknown}")
    # The checks below run on the definition as it is registered: placeholders filled with examples.
    td = json.loads(PLACEHOLDER.sub(lambda m: EXAMPLES.get(m.group(1), m.group(0)), text))

    cpu_memory = {  # Fargate's valid pairs (MiB), for the smaller sizes
        "256": [512, 1024, 2048], "512": list(range(1024, 4097, 1024)),
        "1024": list(range(2048, 8193, 1024)), "2048": list(range(4096, 16385, 1024)),
        "4096": list(range(8192, 30721, 1024)),
    }
    check("fargate: family", bool(td.get("family")), str(td.get("family")))
    check("fargate: networkMode", td.get("networkMode") == "awsvpc", str(td.get("networkMode")))
    check("fargate: requiresCompatibilities", "FARGATE" in td.get("requiresCompatibilities", []),
          str(td.get("requiresCompatibilities")))
    cpu, memory = str(td.get("cpu", "")), str(td.get("memory", ""))
    check("fargate: cpu/memory", memory.isdigit() and int(memory) in cpu_memory.get(cpu, []),
          f"cpu {cpu}, memory {memory} (a valid Fargate pair, as strings)")
    for role in ("executionRoleArn", "taskRoleArn"):
        check(f"fargate: {role}", str(td.get(role, "")).startswith("arn:aws:iam::"), str(td.get(role)))
    containers = td.get("containerDefinitions", [])
    check("fargate: one container", len(containers) == 1, f"{len(containers)} container definition(s)")
    if len(containers) != 1:
        return failures
    c = containers[0]
    check("container: image", bool(c.get("image")), str(c.get("image")))
    check("container: essential", c.get("essential", True) is True, "essential")
    ports = [p.get("containerPort") for p in c.get("portMappings", [])]
    check("container: portMappings", bool(ports) and all(p.get("hostPort", p.get("containerPort")) == p.get("containerPort")
                                                        for p in c.get("portMappings", [])),
          f"containerPort {ports} (awsvpc: hostPort equals containerPort or is left out)")
    secrets = {s.get("name"): s.get("valueFrom", "") for s in c.get("secrets", [])}
    key_secrets = sorted(set(secrets) & ACCESS_KEY_VARIABLES)
    check("container: access key from Secrets Manager",
          bool(key_secrets) and all(secrets[k].startswith("arn:aws:secretsmanager:") for k in key_secrets),
          f"secrets {sorted(secrets)} (the service reads {', '.join(sorted(ACCESS_KEY_VARIABLES))})")
    environment = {e.get("name"): e.get("value", "") for e in c.get("environment", [])}
    leaked = sorted(set(environment) & ACCESS_KEY_VARIABLES - {"FIREBREAK_ACCESS_KEY_FILE", "FIREBREAK_FIREHOSE_ACCESS_KEY_FILE"})
    check("container: no key in environment", not leaked, "the key only through secrets" if not leaked else f"{leaked}")
    log = c.get("logConfiguration", {})
    options = log.get("options", {})
    check("container: awslogs", log.get("logDriver") == "awslogs"
          and all(options.get(k) for k in ("awslogs-group", "awslogs-region", "awslogs-stream-prefix")),
          f"{log.get('logDriver')} {sorted(options)}")
    hc = c.get("healthCheck", {})
    check("container: healthCheck", bool(hc.get("command")) and hc["command"][0] in ("CMD", "CMD-SHELL")
          and "/healthz" in " ".join(hc["command"]), " ".join(hc.get("command", [])))
    stop = c.get("stopTimeout")
    check("container: stopTimeout", isinstance(stop, int) and 2 <= stop <= 120, f"{stop} s (Fargate allows up to 120)")
    user = str(c.get("user", ""))
    check("container: non-root user", bool(user) and user.split(":")[0] not in ("0", "root"), user or "(image default)")
    check("container: readonlyRootFilesystem", c.get("readonlyRootFilesystem") is True, str(c.get("readonlyRootFilesystem")))
    volumes = {v.get("name") for v in td.get("volumes", [])}
    mounts = c.get("mountPoints", [])
    check("container: mountPoints name task volumes", bool(mounts) and all(m.get("sourceVolume") in volumes for m in mounts),
          ", ".join(f"{m.get('sourceVolume')}->{m.get('containerPath')}" for m in mounts))

    def quoted(x):
        return shlex.quote(str(x))
    out = [
        bash_var("TD_USER", user),
        bash_var("TD_STOP_TIMEOUT", stop if isinstance(stop, int) else 30),
        bash_array("TD_ENV", [f"{k}={v}" for k, v in environment.items()]),
        bash_array("TD_SECRETS", sorted(secrets)),
        bash_array("TD_MOUNTS", [m.get("containerPath", "") for m in mounts]),
        bash_array("TD_PORTS", [str(p) for p in ports]),
        bash_var("TD_READONLY_ROOT", "yes" if c.get("readonlyRootFilesystem") else "no"),
        bash_array("TD_COMMAND", (c.get("entryPoint") or []) + (c.get("command") or [])),
        bash_var("TD_HAS_ENTRYPOINT", "yes" if c.get("entryPoint") else "no"),
        bash_var("TD_HAS_COMMAND", "yes" if c.get("command") else "no"),
    ]
    command = hc.get("command", [])
    if command and command[0] == "CMD-SHELL":
        out.append(bash_array("TD_HEALTHCHECK", ["/bin/sh", "-c", " ".join(command[1:])]))
    else:
        out.append(bash_array("TD_HEALTHCHECK", command[1:]))
    print("\n".join(out))
    return failures


# ---------------------------------------------------------------------------------------------------
# systemd unit

def unit_directives(path):
    directives = []
    section = None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        directives.append((section, key.strip(), value.strip()))
    return directives


def seconds(text):
    total, found = 0.0, False
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?", text):
        found = True
        total += float(number) * {"ms": 0.001, "min": 60, "m": 60, "h": 3600}.get(unit, 1)
    return total if found else None


def unit(path):
    d = unit_directives(path)
    service = {}
    environment = []
    for section, key, value in d:
        if section != "Service":
            continue
        if key == "Environment":
            environment += shlex.split(value)
        else:
            service[key] = value
    out = [
        bash_array("UNIT_EXEC_START", shlex.split(service.get("ExecStart", "").lstrip("-@:+!"))),
        bash_array("UNIT_EXEC_RELOAD", shlex.split(service.get("ExecReload", ""))),
        bash_array("UNIT_ENV", environment),
        bash_var("UNIT_ENV_FILE", service.get("EnvironmentFile", "").lstrip("-")),
        bash_var("UNIT_WORKDIR", service.get("WorkingDirectory", "/")),
        bash_var("UNIT_USER", service.get("User", "")),
        bash_var("UNIT_STATE_DIR", "/var/lib/" + service.get("StateDirectory", "").split()[0] if service.get("StateDirectory") else ""),
        bash_var("UNIT_TIMEOUT_STOP", int(seconds(service.get("TimeoutStopSec", "90")) or 90)),
        bash_var("UNIT_KILL_SIGNAL", service.get("KillSignal", "SIGTERM")),
    ]
    print("\n".join(out))
    return 0


def envfile(path):
    pairs = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        pairs.append(f"{key.strip()}={value}")
    print(bash_array("ENVFILE", pairs))
    return 0


# ---------------------------------------------------------------------------------------------------
# Shared libraries to packages

def dpkg_owner(path):
    """The package that ships `path`, trying the merged-/usr twin and the symlink's target too."""
    candidates = [path]
    if path.startswith("/usr/lib/"):
        candidates.append(path[4:])
    elif path.startswith("/lib/") or path.startswith("/lib64/"):
        candidates.append("/usr" + path)
    real = os.path.realpath(path)
    candidates += [real, real[4:] if real.startswith("/usr/lib/") else "/usr" + real]
    for candidate in candidates:
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            for line in r.stdout.splitlines():
                owner, _, owned = line.partition(": ")
                if owned.strip() == candidate and "diversion" not in owner:
                    return owner.split(",")[0].split(":")[0].strip()
    return None


def libs(binary, runtime_list, base_list, healthcheck_exe):
    failures = 0

    def check(name, ok, detail):
        nonlocal failures
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
        failures += 0 if ok else 1

    runtime = set(open(runtime_list).read().split())
    base = set(open(base_list).read().split())
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", subprocess.run(["readelf", "-d", binary], capture_output=True,
                                                                text=True, check=True).stdout)
    resolved = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line) or re.match(r"\s*(/\S+)\s+\(", line)
        if not m:
            continue
        name, path = (m.group(1), m.group(2)) if m.re.groups == 2 else (os.path.basename(m.group(1)), m.group(1))
        if path == "not":
            check(f"ldd {name}", False, "not found on this machine")
            continue
        resolved[name] = path
    owners = {}
    for name, path in sorted(resolved.items()):
        owners[name] = dpkg_owner(path)
        if owners[name] is None:
            check(f"ldd {name}", False, f"{path} belongs to no Debian package")
    lines = []
    for name in needed:
        owner = owners.get(name) or owners.get(os.path.basename(name))
        where = "runtime list" if owner in runtime else "base image" if owner in base else None
        lines.append(f"{name} -> {owner} ({where or 'MISSING'})")
        if where is None:
            check(f"linked library {name}", False, f"package {owner} is neither in the runtime apt list nor in {len(base)} base packages")
    check("linked libraries (readelf NEEDED -> dpkg -S)", all(not l.endswith("(MISSING)") for l in lines), "; ".join(lines))
    transitive = sorted({o for n, o in owners.items() if o and n not in needed})
    # Their own dependencies come through apt: they must be installed by the runtime list's closure.
    closure_file = os.environ.get("IMAGE_PACKAGES")
    if closure_file:
        installed = set(open(closure_file).read().split())
        missing = [o for o in transitive if o not in installed]
        check("libraries of libraries (ldd -> dpkg -S)", not missing,
              f"{len(transitive)} packages, all installed in the image by the runtime list's dependencies"
              if not missing else f"not in the image: {missing}")
    direct_owners = {owners.get(n) for n in needed}
    extra = sorted(runtime - direct_owners)
    allowed = {"ca-certificates"}
    hc_owner = dpkg_owner(shutil.which(healthcheck_exe) or healthcheck_exe) if healthcheck_exe else None
    if hc_owner:
        allowed.add(hc_owner)
    unexplained = [p for p in extra if p not in allowed]
    check("runtime list holds nothing unneeded", not unexplained,
          f"beyond the linked libraries: {extra} (ca-certificates for TLS, {hc_owner} for HEALTHCHECK)"
          if not unexplained else f"{unexplained} provide no linked library")
    for p in ("libc6", "libgcc-s1", "libstdc++6"):
        if p not in base:
            check("base image", False, f"{p} is not in the bookworm minbase set")
    return failures


# ---------------------------------------------------------------------------------------------------
# Cross-checks of the Dockerfile, the task definition and the unit

def claims(dockerfile, taskdef_path, unit_path):
    failures = 0

    def check(name, ok, detail):
        nonlocal failures
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
        failures += 0 if ok else 1

    stages, problems = model(dockerfile)
    facts = image_facts(stages)
    build = stages[0]
    env = facts["env"]

    check("dockerfile: build image", build["from"].startswith("swift:6.3-bookworm"), build["from"])
    check("dockerfile: runtime image", facts["base"] == "debian:bookworm-slim", facts["base"])
    build_cmds = [s["command"] for s in build["steps"] if s["op"] == "RUN"]
    static = any("swift build" in c and "--static-swift-stdlib" in c and "-c release" in c for c in build_cmds)
    check("dockerfile: release build, static Swift runtime", static, "swift build -c release ... --static-swift-stdlib")
    resolve_before_sources = False
    for s in build["steps"]:
        if s["op"] == "COPY" and any(src.startswith("Sources") for src in s["sources"]):
            break
        if s["op"] == "RUN" and "swift package resolve" in s["command"]:
            resolve_before_sources = True
    check("dockerfile: dependencies resolved in a layer before Sources", resolve_before_sources, "swift package resolve before COPY Sources")
    user = facts["user"]
    uid = user.split(":")[0]
    check("dockerfile: USER is non-root, numeric", uid.isdigit() and uid != "0", user or "(root)")
    check("dockerfile: HEALTHCHECK", bool(facts["healthcheck"]) and "/healthz" in " ".join(facts["healthcheck"]),
          " ".join(facts["healthcheck"] or ["(none)"]))
    check("dockerfile: STOPSIGNAL", facts["stopsignal"] in ("SIGTERM", "15"), facts["stopsignal"] or "(none; Docker's default SIGTERM)")
    listen = env.get("FIREBREAK_LISTEN", "")
    listen_ports = sorted({a.rsplit(":", 1)[-1] for a in listen.split(",") if a})
    exposed = sorted(p.split("/")[0] for p in facts["expose"])
    check("dockerfile: EXPOSE matches the listen port", bool(exposed) and exposed == listen_ports
          and all(a.startswith("0.0.0.0:") or a.startswith("[::]:") for a in listen.split(",")),
          f"EXPOSE {exposed}, FIREBREAK_LISTEN={listen}")
    hc_ports = re.findall(r"127\.0\.0\.1:(\d+)", " ".join(facts["healthcheck"] or []))
    check("dockerfile: HEALTHCHECK probes the listen port", hc_ports == listen_ports[:1], f"{hc_ports} vs {listen_ports}")
    store = env.get("FIREBREAK_STORE", "var/firebreak.sqlite")
    store_abs = store if store.startswith("/") else os.path.join(facts["workdir"], store)
    check("dockerfile: the store lives in a VOLUME", any(store_abs.startswith(v.rstrip("/") + "/") for v in facts["volumes"]),
          f"{store_abs} in {facts['volumes']}")
    for label in ("org.opencontainers.image.source", "org.opencontainers.image.description"):
        check(f"dockerfile: LABEL {label}", label in facts["labels"], "present")
    drain = int(env.get("FIREBREAK_SERVER_DRAIN_SECONDS", "20"))

    td = json.load(open(taskdef_path, encoding="utf-8"))
    c = td["containerDefinitions"][0]
    stop = c.get("stopTimeout", 30)
    td_env = {e["name"]: e["value"] for e in c.get("environment", [])}
    td_drain = int(td_env.get("FIREBREAK_SERVER_DRAIN_SECONDS", drain))
    margin = 5
    check("drain below the task's stopTimeout", drain + margin <= stop and td_drain + margin <= stop,
          f"image drain {drain} s, task drain {td_drain} s, + {margin} s for the executor <= stopTimeout {stop} s")
    check("task definition drain equals the image's", td_drain == drain, f"{td_drain} s / {drain} s")
    td_ports = [str(p.get("containerPort")) for p in c.get("portMappings", [])]
    check("task definition port = EXPOSE", td_ports == exposed, f"{td_ports} / {exposed}")
    td_listen = td_env.get("FIREBREAK_LISTEN", listen)
    check("task definition listens on its port", sorted({a.rsplit(':', 1)[-1] for a in td_listen.split(',')}) == td_ports, td_listen)
    check("task definition user = USER", str(c.get("user", user)) == user, f"{c.get('user')} / {user}")
    mounts = [m["containerPath"] for m in c.get("mountPoints", [])]
    check("task definition mounts the VOLUME", all(v in mounts for v in facts["volumes"]), f"{mounts} / {facts['volumes']}")
    td_hc = c.get("healthCheck", {}).get("command", [])
    check("task definition healthCheck = HEALTHCHECK", td_hc[1:] == (facts["healthcheck"] or []), " ".join(td_hc))

    d = unit_directives(unit_path)
    service = {}
    for section, key, value in d:
        if section == "Service":
            service.setdefault(key, []).append(value)

    def one(key):
        return service.get(key, [""])[-1]
    required = {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
        "PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "RestrictNamespaces": "yes",
        "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes", "SystemCallArchitectures": "native",
        "Restart": "on-failure", "KillSignal": "SIGTERM", "StateDirectory": "firebreak",
        "ExecReload": "/bin/kill -HUP $MAINPID", "EnvironmentFile": "-/etc/firebreak/firebreak.env",
    }
    wrong = [f"{k}={one(k) or '(missing)'}" for k, v in required.items() if one(k) != v]
    check("unit: required directives", not wrong, f"{len(required)} present" if not wrong else ", ".join(wrong))
    families = set(one("RestrictAddressFamilies").split())
    check("unit: RestrictAddressFamilies", families == {"AF_INET", "AF_INET6", "AF_UNIX"}, one("RestrictAddressFamilies"))
    caps = one("CapabilityBoundingSet")
    check("unit: no capabilities", "CapabilityBoundingSet" in service and (caps == "" or (caps == "CAP_NET_BIND_SERVICE"
          and one("AmbientCapabilities") == "CAP_NET_BIND_SERVICE")), f"CapabilityBoundingSet={caps}")
    check("unit: dedicated user", one("User") not in ("", "root") or one("DynamicUser") == "yes",
          f"User={one('User')} DynamicUser={one('DynamicUser') or 'no'}")
    exec_start = shlex.split(one("ExecStart"))
    check("unit: ExecStart serve --config /etc/firebreak/firebreak.yaml",
          exec_start[1:2] == ["serve"] and "--config" in exec_start
          and exec_start[exec_start.index("--config") + 1:][:1] == ["/etc/firebreak/firebreak.yaml"], one("ExecStart"))
    unit_env = dict(e.split("=", 1) for v in service.get("Environment", []) for e in shlex.split(v))
    unit_store = unit_env.get("FIREBREAK_STORE", "")
    check("unit: store under the StateDirectory", unit_store.startswith("/var/lib/firebreak/")
          and "/var/lib/firebreak" in one("ReadWritePaths").split(), f"FIREBREAK_STORE={unit_store}, ReadWritePaths={one('ReadWritePaths')}")
    unit_drain = int(unit_env.get("FIREBREAK_SERVER_DRAIN_SECONDS", drain))
    timeout = seconds(one("TimeoutStopSec") or "90")
    check("unit: TimeoutStopSec above the drain", timeout is not None and timeout >= unit_drain + margin,
          f"TimeoutStopSec {timeout:.0f} s, drain {unit_drain} s")
    return failures


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    command, args = argv[1], argv[2:]
    if command == "plan":
        return plan(*args)
    if command == "copy":
        return copy(args[0], args[1], args[2:])
    if command == "excluded":
        return excluded(args[0], args[1:])
    if command == "taskdef":
        return taskdef(*args)
    if command == "unit":
        return unit(*args)
    if command == "envfile":
        return envfile(*args)
    if command == "libs":
        return libs(*args)
    if command == "claims":
        return claims(*args)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(min(main(sys.argv), 100))
