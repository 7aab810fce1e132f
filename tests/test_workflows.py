"""The GitHub workflows, issue forms and pre-commit hook: secure, schema-valid, and in step with the CLI.

Every workflow is audited by zizmor (offline) and validated against check-jsonschema's
vendored GitHub workflow schema; every `mifa` command line in a `run:` script must exist
in the CLI with the options it uses; every action is pinned to a full commit SHA.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKFLOW_DIR = REPO / ".github" / "workflows"
ISSUE_DIR = REPO / ".github" / "ISSUE_TEMPLATE"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.y*ml"))
ISSUE_FORMS = sorted(p for p in ISSUE_DIR.glob("*.y*ml") if p.stem != "config")

# Options the workflows already use that another change is adding to the CLI. They are
# tolerated only while they are missing from `mifa validate --help`; once they exist they
# are checked like every other option.
PENDING = {("validate", "--changed-since", None), ("validate", "--format", "markdown")}

SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
SHELL_SEPARATOR = re.compile(r"&&|\|\||[;|&]")
REDIRECT = re.compile(r"^\d*(?:>>?|<)")


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in {BIN}: run `pip install -e '.[dev]'` (it is a dev extra)")
    return path


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for job in (workflow.get("jobs") or {}).values():
        steps.extend(job.get("steps") or [])
    return steps


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML (YAML 1.1) reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_the_expected_files_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"validate.yml", "publish.yml", "maintenance.yml"}
    assert {p.name for p in ISSUE_FORMS} >= {"propose-dataset.yml", "improve-dataset.yml"}
    assert (ISSUE_DIR / "config.yml").exists()
    assert (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").exists()


# -- (1) zizmor --------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_zizmor_reports_no_finding(workflow: Path) -> None:
    completed = subprocess.run(
        [str(_tool("zizmor")), "--offline", "--format", "json", str(workflow)],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )
    try:
        findings = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"zizmor gave no JSON (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    summary = [
        f"{f.get('ident')}: {f.get('desc')} at "
        + ", ".join(
            str(loc.get("symbolic", {}).get("route", loc)) for loc in f.get("locations", [])
        )
        for f in findings
    ]
    assert findings == [], "zizmor findings:\n" + "\n".join(summary)
    assert completed.returncode == 0, completed.stderr


# -- (2) check-jsonschema ----------------------------------------------------------------


@functools.cache
def _builtin_schemas() -> frozenset[str]:
    completed = subprocess.run(
        [str(_tool("check-jsonschema")), "--help"], capture_output=True, text=True, timeout=60, check=False,
    )
    return frozenset(re.findall(r"vendor\.[a-z0-9-]+", completed.stdout))


def _check_jsonschema(schema: str, path: Path) -> None:
    if schema not in _builtin_schemas():
        pytest.skip(f"this check-jsonschema has no built-in schema {schema}")
    completed = subprocess.run(
        [str(_tool("check-jsonschema")), "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )
    assert completed.returncode == 0, f"{path.name} against {schema}:\n{completed.stdout}{completed.stderr}"


def test_the_workflow_schema_is_built_in() -> None:
    assert "vendor.github-workflows" in _builtin_schemas()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflow_matches_the_github_workflow_schema(workflow: Path) -> None:
    _check_jsonschema("vendor.github-workflows", workflow)


@pytest.mark.parametrize("form", ISSUE_FORMS, ids=_ids(ISSUE_FORMS))
def test_issue_form_matches_the_github_issue_form_schema(form: Path) -> None:
    _check_jsonschema("vendor.github-issue-forms", form)


def test_issue_template_config_matches_its_schema() -> None:
    _check_jsonschema("vendor.github-issue-config", ISSUE_DIR / "config.yml")
    assert _load(ISSUE_DIR / "config.yml")["blank_issues_enabled"] is True


def test_the_improve_form_takes_the_fields_the_dataset_page_prefills() -> None:
    ids = {item.get("id") for item in _load(ISSUE_DIR / "improve-dataset.yml")["body"]}
    assert {"dataset", "version", "description"} <= ids
    page = (REPO / "templates" / "dataset.html").read_text(encoding="utf-8")
    if "template=improve-dataset.yml" in page:
        assert "dataset=" in page
        assert "version=" in page


def test_the_proposal_form_offers_the_eleven_mifa_annotation_types() -> None:
    vocabulary = yaml.safe_load((REPO / "catalogue" / "vocabularies" / "annotation-types.yaml").read_text())
    labels = {term["label"] for term in vocabulary}
    body = _load(ISSUE_DIR / "propose-dataset.yml")["body"]
    dropdown = next(item for item in body if item.get("id") == "annotation-types")
    assert set(dropdown["attributes"]["options"]) == labels
    assert len(labels) == 11


# -- (3) every mifa command line exists ---------------------------------------------------


def _mifa_invocations(script: str) -> list[list[str]]:
    """The argument lists of the `mifa ...` commands in a shell script (one level, no functions)."""
    script = script.replace("\\\n", " ")
    invocations: list[list[str]] = []
    for line in script.splitlines():
        for segment in SHELL_SEPARATOR.split(line):
            try:
                tokens = shlex.split(segment, comments=True)
            except ValueError:
                tokens = segment.split()
            if not tokens or Path(tokens[0]).name != "mifa":
                continue
            args: list[str] = []
            for token in tokens[1:]:
                if REDIRECT.match(token):
                    break
                args.append(token)
            invocations.append(args)
    return invocations


@functools.cache
def _help(command: tuple[str, ...]) -> str:
    completed = subprocess.run(
        [str(BIN / "mifa"), *command, "--help"], capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 0, f"`mifa {' '.join(command)} --help` exits {completed.returncode}"
    return completed.stdout


def _subcommands(help_text: str) -> set[str]:
    """Sub-command names listed by argparse under "positional arguments"."""
    if "positional arguments:" not in help_text:
        return set()
    section = help_text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    names: set[str] = set()
    for braces in re.findall(r"^ {2}\{([\w,-]+)\}", section, flags=re.MULTILINE):
        names.update(braces.split(","))
    names.update(re.findall(r"^ {4}([a-z][\w-]*)(?: {2,}|$)", section, flags=re.MULTILINE))
    return names


def _split_command(args: list[str]) -> tuple[tuple[str, ...], list[str]]:
    command: tuple[str, ...] = ()
    rest = list(args)
    while rest and not rest[0].startswith("-") and rest[0] in _subcommands(_help(command)):
        command += (rest.pop(0),)
    return command, rest


def _choices(help_text: str, option: str) -> set[str] | None:
    match = re.search(rf"{re.escape(option)} \{{([\w,-]+)\}}", help_text)
    return set(match.group(1).split(",")) if match else None


def _workflow_invocations() -> list[tuple[str, list[str]]]:
    found = []
    for workflow in WORKFLOWS:
        for step in _steps(_load(workflow)):
            for args in _mifa_invocations(step.get("run") or ""):
                found.append((workflow.name, args))
    return found


def test_the_workflows_run_the_expected_mifa_commands() -> None:
    commands = {(name, _split_command(args)[0]) for name, args in _workflow_invocations()}
    assert ("validate.yml", ("validate",)) in commands
    assert ("validate.yml", ("build",)) in commands
    assert ("publish.yml", ("build",)) in commands
    assert ("maintenance.yml", ("zoo", "sync")) in commands
    assert ("maintenance.yml", ("zoo", "check")) in commands
    assert ("maintenance.yml", ("validate",)) in commands


@pytest.mark.parametrize(
    ("workflow", "args"),
    _workflow_invocations(),
    ids=[f"{w}: mifa {' '.join(a)}" for w, a in _workflow_invocations()],
)
def test_mifa_command_line_exists(workflow: str, args: list[str]) -> None:
    command, rest = _split_command(args)
    assert command, f"{workflow}: `mifa {' '.join(args)}` names no sub-command"
    help_text = _help(command)
    left = _subcommands(help_text)
    assert not left, f"{workflow}: `mifa {' '.join(args)}`: `{rest[:1]}` is none of {sorted(left)}"
    pending: list[str] = []
    for index, token in enumerate(rest):
        if not token.startswith("--"):
            continue
        option, _, inline = token.partition("=")
        value = inline or (rest[index + 1] if index + 1 < len(rest) else None)
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text):
            if (command[0], option, None) in PENDING:
                pending.append(option)
                continue
            pytest.fail(f"{workflow}: `mifa {' '.join(command)}` has no option {option}")
        choices = _choices(help_text, option)
        if choices is not None and value is not None and value not in choices:
            if (command[0], option, value) in PENDING:
                pending.append(f"{option} {value}")
                continue
            pytest.fail(
                f"{workflow}: `mifa {' '.join(command)} {option}` takes {sorted(choices)}, not {value!r}"
            )
    if pending:
        message = f"{workflow}: `mifa {' '.join(command)}` does not have {', '.join(pending)} yet (pending)"
        warnings.warn(message, stacklevel=1)


def test_the_invocation_parser() -> None:
    script = 'status=0\nmifa validate --format markdown PATH >> "$GITHUB_STEP_SUMMARY" || status=$?\n'
    script += "echo mifa; .venv/bin/mifa zoo \\\n  check --datasets d 2>&1 | tee x  # mifa comment\n"
    assert _mifa_invocations(script) == [
        ["validate", "--format", "markdown", "PATH"],
        ["zoo", "check", "--datasets", "d"],
    ]


# -- (4) pinned actions and least privilege -----------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_action_is_pinned_to_a_commit_sha(workflow: Path) -> None:
    data = _load(workflow)
    uses = [step["uses"] for step in _steps(data) if "uses" in step]
    uses += [job["uses"] for job in (data.get("jobs") or {}).values() if "uses" in job]
    assert uses, f"{workflow.name} uses no action"
    for ref in uses:
        assert SHA_PIN.match(ref), f"{workflow.name}: `{ref}` is not pinned to a 40-character commit SHA"
    for line in workflow.read_text(encoding="utf-8").splitlines():
        match = USES_LINE.match(line)
        if match:
            assert re.search(r"#\s*v\d+\.\d+\.\d+\b", match["rest"]), (
                f"{workflow.name}: `{match['ref']}` needs a `# vX.Y.Z` comment naming the pinned release"
            )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_least_privilege_and_no_injection(workflow: Path) -> None:
    data = _load(workflow)
    assert data.get("permissions") == {"contents": "read"}, f"{workflow.name}: workflow-level permissions"
    assert "pull_request_target" not in _triggers(data)
    for step in _steps(data):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, workflow.name
        assert "${{" not in str(step.get("run", "")), f"{workflow.name}: expression in a run script: {step}"


def test_validate_reports_even_when_validation_fails() -> None:
    data = _load(WORKFLOW_DIR / "validate.yml")
    steps = _steps(data)
    gate = next(s for s in steps if "--format github" in str(s.get("run", "")))
    summary = next(s for s in steps if "--format markdown" in str(s.get("run", "")))
    assert "if" not in gate and "continue-on-error" not in gate
    assert summary.get("if") == "always()"
    assert "GITHUB_STEP_SUMMARY" in summary["run"]
    assert next(s for s in steps if "actions/checkout@" in str(s.get("uses")))["with"]["fetch-depth"] == 0
    upload = next(s for s in steps if "actions/upload-artifact@" in str(s.get("uses")))
    assert upload["with"]["name"] == "site-preview"
    assert upload["with"]["retention-days"] == 7


def test_publish_deploys_with_pages_permissions_only_in_the_deploy_job() -> None:
    data = _load(WORKFLOW_DIR / "publish.yml")
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = data["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


# -- (5) the tools are dev dependencies, and the pre-commit hook ----------------------------


def test_dev_extras_include_the_workflow_linters() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    dev = pyproject["project"]["optional-dependencies"]["dev"]
    names = {re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower().replace("_", "-") for req in dev}
    assert {"zizmor", "check-jsonschema"} <= names


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "mifa-validate")
    assert hook["language"] == "python"
    assert hook["entry"] == "mifa validate"
    assert hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    assert pattern.search("datasets/s-biad634/1.2.yaml")
    assert pattern.search("datasets/x/1.0.yml")
    assert not pattern.search("catalogue/catalogue.yaml")
    assert _help(("validate",))
