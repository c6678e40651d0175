#!/usr/bin/env python3
"""Writes Sources/FirebreakServer/Configuration/DefaultConfiguration.swift from config/firebreak.yaml."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
yaml = (root / "config/firebreak.yaml").read_text()
assert '"""#' not in yaml, "the configuration may not contain a closing raw-string delimiter"
(root / "Sources/FirebreakServer/Configuration/DefaultConfiguration.swift").write_text(
    "/// The embedded default configuration: a byte-for-byte copy of `config/firebreak.yaml`\n"
    "/// (a test keeps the two equal; after editing the file, run `make embed-config`).\n"
    "enum DefaultConfiguration {\n"
    '    static let yaml = #"""\n' + yaml + '"""#\n}\n')
