"""namelink: find people in messy historical text and link every mention.

One subpackage per stage: :mod:`pipeline.io` (read), :mod:`pipeline.clean`,
:mod:`pipeline.kb` (knowledge base), :mod:`pipeline.recognise`,
:mod:`pipeline.link`, :mod:`pipeline.output` (write); :mod:`pipeline.batch`
runs them over documents, :mod:`pipeline.evaluation` and
:mod:`pipeline.review` work on a finished run, :mod:`pipeline.cli` is the
command line. :mod:`pipeline.records` is the output contract and
:mod:`pipeline.resources` the ``models/`` folder. The map:
``docs/architecture.md``.
"""

__version__ = "0.1.0"
