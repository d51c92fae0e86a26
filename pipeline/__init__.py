"""namelink: find people in messy historical text and link every mention.

Stages (each a module with a small API): :mod:`pipeline.clean`,
:mod:`pipeline.recognise`, :mod:`pipeline.link`, :mod:`pipeline.write`;
:mod:`pipeline.run` wires them, :mod:`pipeline.cli` is the command line.
"""

__version__ = "0.1.0"
