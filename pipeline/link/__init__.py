"""Stage 3, link: decide which individual each mention names.

- :mod:`~pipeline.link.candidates`: which knowledge-base entries a mention may name;
- :mod:`~pipeline.link.mentions`: a mention with its words, keys and candidates; :class:`Link`;
- :mod:`~pipeline.link.context`: a document's anchors and linked mentions, for short forms;
- :mod:`~pipeline.link.cues`: kinship words and same-person markers next to a short form;
- :mod:`~pipeline.link.decision`: the decision over a document's person mentions;
- :mod:`~pipeline.link.others`: places and organisations;
- :mod:`~pipeline.link.component`: the spaCy component ``namelink_linker``.

The scores and distances are data: ``models/rules/linking.yaml``.
"""

from pipeline.link.candidates import Candidate, CandidateGenerator
from pipeline.link.component import EntityLinker, make_linker
from pipeline.link.mentions import Link

__all__ = ["Candidate", "CandidateGenerator", "EntityLinker", "Link", "make_linker"]
