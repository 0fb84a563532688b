"""A JSON Schema for content files (game.yaml, pack.yaml, event files), for editors.

Built from the loader's own key lists (game/loader.py, game/packs.py, game/extensions.py), so
a key the loader accepts is a key the schema knows: `_object` refuses a list with a key it has
no definition for, and a definition for a key the list lacks. The built schema is shipped as
game/content.schema.json (a test keeps the two identical) and written by `octobers schema`.

The schema is looser than `check` where YAML and JSON disagree (a `+5` or `yes` may arrive
as text) and knows nothing of declarations (an unknown variable is check's business); it
catches misspelt keys, misplaced blocks and wrong shapes as you type.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game import codexload, extensions, loader, packs
from game.model import CODEX_KINDS

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "content.schema.json"

ID: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                      "description": "an id: letters, digits and _, not starting with a digit"}
EXPR: dict[str, Any] = {"type": "string",
                        "description": "an expression, in quotes: \"stability > 40 and "
                                       "flags.x\""}
# Text: the loader reads every scalar as written, so `title: 1984` is text too.
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{1,2}$",
                        "description": "a month, YYYY-MM"}
INT: dict[str, Any] = {"anyOf": [{"type": "integer"}, {"type": "string",
                                                        "pattern": r"^\s*[+-]?\d+\s*$"}]}
BOOL: dict[str, Any] = {"anyOf": [{"type": "boolean"}, {"enum": [
    "true", "True", "TRUE", "yes", "Yes", "on", "false", "False", "FALSE", "no", "No", "off"]}]}
NUMBER_OR_EXPR: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "string"}]}
IDS: dict[str, Any] = {"anyOf": [{"$ref": "#/$defs/id"},
                                 {"type": "array", "items": {"$ref": "#/$defs/id"}}]}


def _object(keys: Sequence[str], props: dict[str, Any], required: Sequence[str] = (),
            description: str = "") -> dict[str, Any]:
    """A closed object whose properties are exactly `keys` (a loader key list)."""
    missing = [k for k in keys if k not in props]
    extra = [k for k in props if k not in keys]
    if missing or extra:
        raise ValueError(f"schema out of step with the loader: no definition for {missing}, "
                         f"definitions the loader does not accept: {extra}")
    out: dict[str, Any] = {"type": "object", "properties": {k: props[k] for k in keys},
                           "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if description:
        out["description"] = description
    return out


def _doc(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """A property's schema with the line an editor shows on hover."""
    return {**schema, "description": text}


def _table(value: dict[str, Any]) -> dict[str, Any]:
    """A mapping from ids to values (variables, effects)."""
    return {"type": "object", "propertyNames": {"$ref": "#/$defs/id"},
            "additionalProperties": value}


def build_schema() -> dict[str, Any]:
    """The schema as a dict (draft 2020-12)."""
    ref = {name: {"$ref": f"#/$defs/{name}"} for name in (
        "id", "expr", "date", "paragraphs", "effect", "choice", "outcome", "node",
        "extension", "ending", "scenario", "variable", "text_variable", "game", "pack",
        "event_file", "codex_entry")}
    effect_props: dict[str, Any] = {
        "effects": _doc(_table({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
                        "changes to variables: {stability: +5, industry: \"-x // 2\"}"),
        "assign": _doc(_table({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
                       "variables set to a value: {stability: 50}"),
        "set": _doc(IDS, "flags raised: [flag, ...]"),
        "clear": _doc(IDS, "flags lowered: [flag, ...]"),
        "texts": _doc(_table(TEXT), "text variables set: {leader: Kirov}"),
        "log": _doc(TEXT, "the line written in the timeline"),
        "goto": _doc(ref["id"], "the node (or ending) that comes next, instead of the "
                                "calendar"),
        "unlock": _doc(IDS, "codex entries opened without a mention: [entry, ...]"),
    }
    paragraph = {"anyOf": [TEXT, _object(loader.PARAGRAPH_KEYS, {
        "id": ref["id"], "when": ref["expr"], "text": TEXT}, ["text"])]}
    world: dict[str, Any] = {
        "description": TEXT,
        "variables": _table(ref["variable"]),
        "texts": _table(ref["text_variable"]),
        "flags": {"type": "array", "items": ref["id"]},
        "scenarios": {"type": "array", "items": ref["scenario"]},
        "endings": {"type": "array", "items": ref["ending"]},
        "codex": _doc({"type": "array", "items": ref["codex_entry"]},
                      "codex entries: people, parties, institutions, places, terms"),
        "codex_ignore": _doc({"type": "array", "items": TEXT},
                             "names check --strict should not ask a codex entry for"),
        "unreachable": _doc({"type": "array", "items": {"type": "string"}},
                            "nodes, choices (node.choice) or endings never reached on purpose; "
                            "simulate leaves them out of coverage"),
    }
    defs: dict[str, Any] = {
        "id": ID, "expr": EXPR, "date": DATE,
        "paragraphs": {"anyOf": [TEXT, {"type": "array", "items": paragraph}],
                       "description": "Markdown text, or a list of paragraphs, each text or "
                                      "{id, when, text}"},
        "effect": _object(loader.EFFECT_KEYS, effect_props),
        "outcome": _object(loader.OUTCOME_KEYS, {
            "id": _doc(ref["id"], "optional, so that a pack can hide this outcome"),
            "weight": _doc(NUMBER_OR_EXPR, "how likely, against the other outcomes (a number "
                                           "or an expression; default 1)"),
            **effect_props}),
        "choice": _object(loader.CHOICE_KEYS, {
            "id": ref["id"], "label": _doc(TEXT, "what the player reads"),
            "when": _doc(ref["expr"], "the choice is open only when this holds"),
            "locked": _doc(TEXT, "shown, greyed, when 'when' does not hold (else hidden)"),
            "outcomes": _doc({"type": "array", "items": ref["outcome"], "minItems": 1},
                             "weighted results: one is drawn"),
            "ai": _doc(NUMBER_OR_EXPR, "how much simulate's weighted policy likes it"),
            **effect_props}, ["id", "label"]),
        "node": _object(loader.NODE_KEYS, {
            "id": ref["id"], "date": _doc(ref["date"], "the first month it can come up"),
            "until": _doc(ref["date"], "the last month it can come up (default: date)"),
            "when": _doc(ref["expr"], "it comes up only when this holds"),
            "priority": _doc(INT, "higher first among events due the same month"),
            "title": TEXT, "text": ref["paragraphs"],
            "history": _doc(TEXT, "In our timeline: what really happened, past tense"),
            "enter": _doc(ref["effect"], "effects applied as the event comes up"),
            "choices": {"type": "array", "items": ref["choice"]},
            "replace": _doc(BOOL, "a pack's node replacing an earlier layer's node of this "
                                  "id")}, ["id", "date", "title", "text"], "an event"),
        "extension": _object(loader.EXTEND_KEYS, {
            "extends": _doc(ref["id"], "the node of an earlier layer this block adds to"),
            "choices": _doc({"type": "array", "items": ref["choice"]}, "choices added"),
            "text": _doc({"type": "array", "items": {"anyOf": [TEXT, _object(
                extensions.TEXT_KEYS, {"id": ref["id"], "when": ref["expr"], "text": TEXT,
                                       "before": ref["id"], "after": ref["id"]},
                ["text"])]}}, "paragraphs added: at the end, or before/after a paragraph id"),
            "hide": _doc({"type": "array", "items": {"anyOf": [ref["id"], _object(
                extensions.HIDE_KEYS, {"id": ref["id"], "when": ref["expr"]}, ["id"])]}},
                "paragraphs, choices or outcomes hidden, by id, while 'when' holds "
                "(always without one)"),
        }, ["extends"], "a pack's additions to a node of an earlier layer"),
        "codex_entry": _object(codexload.CODEX_KEYS, {
            "id": ref["id"],
            "kind": {"enum": list(CODEX_KINDS)},
            "name": _doc(TEXT, "the entry's name, as the text writes it"),
            "aliases": _doc({"type": "array", "items": TEXT},
                            "other forms of the name the text uses"),
            "summary": _doc(TEXT, "who or what, in 1-3 sentences"),
            "sections": _doc(ref["paragraphs"], "paragraphs shown when their 'when' holds"),
            "fate": _doc(ref["paragraphs"], "the first line whose 'when' holds is the fate "
                                            "in this timeline"),
            "fate_ours": _doc(TEXT, "the fate in our timeline, in a few words"),
            "history": _doc(TEXT, "In our timeline: what really became of it"),
            "main": _doc(BOOL, "listed in the ending's 'Who became what'")},
            ["id", "kind", "name", "summary"], "a codex entry"),
        "ending": _object(loader.ENDING_KEYS, {
            "id": ref["id"], "title": TEXT, "text": ref["paragraphs"], "when": ref["expr"],
            "immediate": BOOL}, ["id", "title"]),
        "scenario": _object(loader.SCENARIO_KEYS, {
            "id": ref["id"], "title": TEXT, "date": ref["date"], "start": ref["id"],
            "description": TEXT, "set": IDS, "vars": _table(INT), "texts": _table(TEXT)},
            ["id", "title", "date", "start"]),
        "variable": _object(loader.VARIABLE_KEYS, {
            "label": TEXT, "start": INT, "min": INT, "max": INT, "shown": BOOL,
            "description": TEXT,
            "danger": _object(loader.DANGER_KEYS, {"below": INT, "above": INT,
                                                   "warning": TEXT}),
            "reveal": {"anyOf": [{"const": "always"}, _object(
                loader.REVEAL_KEYS, {"flag": ref["id"], "date": ref["date"]})]}}),
        "text_variable": _object(loader.TEXT_KEYS, {"label": TEXT, "start": TEXT,
                                                    "shown": BOOL}),
        "game": _object(loader.GAME_KEYS, {"title": TEXT, **world}, ["title"],
                        "game.yaml: the base game"),
        "pack": _object(loader.PACK_KEYS, {
            "name": ref["id"], "version": {"type": "string"},
            "requires": _object(packs.REQUIRE_KEYS, {
                "game": TEXT, "version": TEXT,
                "packs": {"type": "array", "items": TEXT}}),
            **world}, description="pack.yaml: a branch pack's manifest"),
        "event_file": {"anyOf": [
            {"type": "array", "items": {"anyOf": [ref["node"], ref["extension"]]}},
            _object(loader.EVENT_FILE_KEYS, {
                "nodes": {"type": "array", "items": {"anyOf": [ref["node"],
                                                              ref["extension"]]}},
                "endings": {"type": "array", "items": ref["ending"]},
                "codex": {"type": "array", "items": ref["codex_entry"]}}),
            ref["node"], ref["extension"]],
            "description": "an event file: a list of nodes and extends: blocks"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Many Octobers content file",
        "description": "game.yaml, pack.yaml or an event file of a Many Octobers content "
                       "folder (docs/authoring.md)",
        "anyOf": [ref["game"], ref["pack"], ref["event_file"]],
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the JSON text shipped in game/content.schema.json."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_path() -> Path:
    """Where the installed package's copy of the schema is."""
    return SCHEMA_PATH
