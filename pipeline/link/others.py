"""Places and organisations: linked on exact or variant names only, never by context."""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.kb import SHORT, AliasIndex, KnowledgeBase
from pipeline.link.candidates import CandidateGenerator
from pipeline.link.mentions import Link, allowed
from pipeline.resources import LabelRules, LinkingRules, NameRules


class OtherLinker:
    """Links a span of a place label (``labels.places``) to a place of any place
    label, and one of a group label (``labels.groups``) to any group label:
    a GPE may be listed as a LOC, a NORP as an ORG."""

    def __init__(
        self,
        kb: KnowledgeBase,
        index: AliasIndex,
        labels: LabelRules,
        scores: LinkingRules,
        names: NameRules,
        fuzzy_cutoff: float,
    ) -> None:
        self.kb = kb
        self.scores = scores.other_scores
        self.leading = set(scores.other_leading_words)
        kinds = [tuple(labels.places), tuple(labels.groups)]
        self.lookup_labels = {label: kind for kind in kinds for label in kind}
        self.generators = {
            label: CandidateGenerator(index, label, fuzzy_cutoff, linking=scores, names=names)
            for kind in kinds
            for label in kind
        }

    def handles(self, label: str) -> bool:
        return label in self.lookup_labels

    def __call__(self, ent: Span) -> Link | None:
        words = [t.text for t in ent if any(ch.isalnum() for ch in t.text)]
        if words and words[0].lower() in self.leading:  # the Kremlin, the Comintern
            words = words[1:]
        if not words:
            return None
        banned = self.kb.never_linked(ent.text)
        for label in self.lookup_labels[ent.label_]:
            found = [c for c in self.generators[label](words, fuzzy=False) if c.form.kind != SHORT]
            found = allowed(found, banned)
            if found:
                best = found[0]
                score = self.scores["exact"] if best.method == "exact" else self.scores["variant"]
                canonical = self.kb.entities[best.entity_id].canonical
                return Link(best.entity_id, canonical, round(min(score, 1.0), 3), f"kb-{best.method}")
        return None
