#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check reStructuredText pages with docutils, as Sphinx would parse them,
without Sphinx: its own directives (toctree, code-block, only) and roles
(doc, ref) are accepted as they are. Prints every warning and error and
exits 1 if there was any.

Usage: check_rst.py FILE...
"""
import io
import sys

import docutils.core
from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles


class Accept(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {'maxdepth': directives.unchanged,
                   'caption': directives.unchanged}

    def run(self):
        text = '\n'.join(self.content)
        return [nodes.literal_block(text, text)]


def accept_role(name, rawtext, text, lineno, inliner, options=None,
                content=None):
    return [nodes.literal(rawtext, text)], []


def main():
    for d in ('toctree', 'code-block', 'only'):
        directives.register_directive(d, Accept)
    for r in ('doc', 'ref'):
        roles.register_local_role(r, accept_role)
    reports = io.StringIO()
    for path in sys.argv[1:]:
        with open(path) as f:
            docutils.core.publish_doctree(
                f.read(), source_path=path,
                settings_overrides={'report_level': 2, 'halt_level': 5,
                                    'warning_stream': reports})
    print(reports.getvalue(), end='')
    return 1 if reports.getvalue() else 0


if __name__ == '__main__':
    sys.exit(main())
