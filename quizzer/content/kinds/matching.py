"""``kind: matching`` — pair 3 to 7 prompts with their answers, maybe among extra answers.

The bank lists ``pairs`` (prompt, answer, optional why) and optional ``extra_answers``
(distractors, at most :data:`MAX_EXTRA`). Prompts are shown numbered and answers lettered,
both shuffled; the learner types pairs (``1c 2a 3b``, ``1-c, 2a 3B``, ``1c2a3b``) or just the
letters in number order (``cab``). Each answer fits one prompt at most. Grading is
all-or-nothing.

A response is, for each prompt in bank order, the bank index of the answer chosen for it
(pairs' answers first, then the extra answers), recorded as ``"1,0,2"``: the right answer is
always ``"0,1,2,..."``, whatever the shuffle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizzer.content.kinds.base import (LETTERS, CardFaces, FeedbackLine, Invalid, Option,
                                         Paragraph, Presented, QuestionKind, Response,
                                         check_whys, ordinal_list, sized_list, wrong_places)

LOWER = LETTERS.lower()  # the letters of a matching question's answers

MIN_PAIRS, MAX_PAIRS, MAX_EXTRA = 3, 7, 3
_SEPARATORS = re.compile(r"[\s,;.:=\-\u2013\u2014/>()]+")


@dataclass
class MatchPair:
    """One pair of a matching question: a prompt, its answer, and why they belong together."""

    prompt: str
    answer: str
    why: str = ""


@dataclass
class Matching:
    """The answer record: the right pairs, and answers that fit no prompt."""

    pairs: tuple = ()
    extra_answers: tuple = ()

    @property
    def answers(self) -> tuple:
        """Every answer text by bank index: the pairs' answers, then the extra ones."""
        return (*(p.answer for p in self.pairs), *self.extra_answers)


def _example(n: int) -> str:
    """A fixed example, never derived from the answer: 1c 2a 3b for three pairs."""
    return " ".join(f"{i + 1}{LOWER[(i + 2) % n]}" for i in range(n))


class MatchingKind(QuestionKind):
    name = "matching"
    label = "Matching"
    required = frozenset({"pairs"})
    optional = frozenset({"extra_answers"})
    records = (MatchPair, Matching)
    explanation_required = False  # every pair's why can explain it instead
    think_seconds = 30.0  # reading every answer against every prompt
    help = "Type a number and a letter for each pair, e.g. 1c 2a 3b (or just the letters, cab)."

    # ---------------------------------------------------------------- reading the bank

    def read(self, reader, data: Any) -> Matching:
        if "pairs" not in data:
            return Matching()  # reported as a missing key
        raw = sized_list(reader, data, "pairs", MIN_PAIRS, MAX_PAIRS, "pairs")
        if raw is None:
            return Matching()
        pairs = []
        for i, item in enumerate(raw):
            item = reader.mapping(item, raw.at[i], "a pair")
            if item is None:
                pairs.append(MatchPair("", ""))
                continue
            reader.keys(item, "pair", {"prompt", "answer"}, {"why"})
            pairs.append(MatchPair(reader.text(item, "prompt", "pair"),
                                   reader.text(item, "answer", "pair"),
                                   reader.text(item, "why", "pair") if "why" in item else ""))
        extras = self._extras(reader, data)
        for field in ("prompt", "answer"):
            seen: dict = {}
            for i, pair in enumerate(pairs):
                text = getattr(pair, field)
                if text in seen:
                    reader.problem(raw.at[i], f"pair {i + 1} repeats the {field} of pair "
                                              f"{seen[text] + 1}")
                elif text:
                    seen[text] = i
            if field == "answer":
                for j, text in enumerate(extras):
                    if text in seen:
                        reader.problem(data["extra_answers"].at[j],
                                       f"extra answer {j + 1} is the answer of pair "
                                       f"{seen[text] + 1}")
                    seen.setdefault(text, len(pairs) + j)
        check_whys(reader, data, raw, [bool(p.why) for p in pairs], "pair")
        return Matching(tuple(pairs), extras)

    def _extras(self, reader, data: Any) -> tuple:
        if "extra_answers" not in data:
            return ()
        raw = data["extra_answers"]
        out = reader.texts(data, "extra_answers", "question")
        if isinstance(raw, list) and len(raw) > MAX_EXTRA:
            reader.problem(data.at["extra_answers"], f"at most {MAX_EXTRA} extra answers; "
                                                     f"there are {len(raw)}")
            return ()
        if len(out) != len(raw):
            return ()  # reported item by item; positions would not match
        for j, text in enumerate(out):
            if out.index(text) != j:
                reader.problem(raw.at[j], f"extra answer {j + 1} repeats extra answer "
                                          f"{out.index(text) + 1}")
        return tuple(dict.fromkeys(out))

    def shown_texts(self, question) -> tuple:
        return (*(p.prompt for p in question.answer.pairs), *question.answer.answers)

    def texts(self, question) -> tuple:
        pairs = question.answer.pairs
        return (*(p.why for p in pairs if p.why), *self.shown_texts(question))

    # ---------------------------------------------------------------- asking

    def present(self, question, rng) -> Presented:
        answer = question.answer
        prompts = list(range(len(answer.pairs)))
        letters = list(range(len(answer.answers)))
        rng.shuffle(prompts)
        rng.shuffle(letters)
        if all(letters.index(k) == i for i, k in enumerate(prompts)):
            letters = letters[1:] + letters[:1]  # "1a 2b 3c" would give it away
        return Presented(question, tuple(prompts), tuple(letters))

    def options(self, presented: Presented) -> tuple:
        answer = presented.question.answer
        return (tuple(Option(str(n), answer.pairs[k].prompt)
                      for n, k in enumerate(presented.order, 1)),
                tuple(Option(LOWER[j], answer.answers[k])
                      for j, k in enumerate(presented.answer_order)))

    def parse(self, presented: Presented, raw: str) -> Response | Invalid:
        n, m = len(presented.order), len(presented.answer_order)
        letters = LOWER[:m]
        shown = raw if len(raw) <= 24 else raw[:21] + "..."
        not_pairs = Invalid(f"{shown!r} is not an answer: type pairs like {_example(n)}.")
        text = raw.lower()
        # Tokens, not characters: "1d 2 3c" is 1 d 2 3 c (2 has no letter), not 1d 23c.
        tokens = re.findall(r"\d+|[a-z]", text)
        if not text.isascii() or "".join(tokens) != _SEPARATORS.sub("", text) \
                or not any(token.isalpha() for token in tokens):
            return not_pairs
        if all(token.isalpha() for token in tokens):  # letters in number order: "cab"
            if len(tokens) != n:
                return Invalid(f"Give one letter for each of the {n} numbers, or pairs like "
                               f"{_example(n)}; you gave {len(tokens)} "
                               f"letter{'' if len(tokens) == 1 else 's'}.")
            pairs = list(enumerate(tokens, 1))
        else:
            pairs = []
            for i in range(0, len(tokens), 2):
                number, letter = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
                if not number.isdigit():
                    return not_pairs
                if not letter.isalpha():
                    return Invalid(f"Number {number} has no letter: type pairs like "
                                   f"{_example(n)}.")
                pairs.append((int(number), letter))
        numbers = [d for d, _ in pairs]
        chosen = [c for _, c in pairs]
        unknown = [d for d in numbers if not 1 <= d <= n]
        if unknown:
            return Invalid(f"There is no number {unknown[0]}: use 1-{n}.")
        unknown = [c for c in chosen if c not in letters]
        if unknown:
            return Invalid(f"There is no letter {unknown[0]}: use a-{letters[-1]}.")
        twice = [d for d in dict.fromkeys(numbers) if numbers.count(d) > 1]
        if twice:
            return Invalid(f"Number {twice[0]} is paired twice: give each number one letter.")
        twice = [c for c in dict.fromkeys(chosen) if chosen.count(c) > 1]
        if twice:
            return Invalid(f"Letter {twice[0]} is used twice: each letter fits one number "
                           "at most.")
        missing = [d for d in range(1, n + 1) if d not in numbers]
        if missing:
            return Invalid(f"Pair every number 1-{n}; {ordinal_list(missing)} "
                           f"{'has' if len(missing) == 1 else 'have'} no letter.")
        by_prompt = dict((presented.order[d - 1], presented.answer_order[letters.index(c)])
                         for d, c in pairs)
        value = tuple(by_prompt[k] for k in range(n))
        return Response(value, ",".join(map(str, value)))

    def grade(self, question, response: Response) -> bool:
        return tuple(response.value) == tuple(range(len(question.answer.pairs)))

    def instruction(self, presented: Presented) -> str:
        n, m = len(presented.order), len(presented.answer_order)
        extra = m - n
        count = {1: "one", 2: "two", 3: "three"}.get(extra, str(extra))
        left = (f"; {count} letter{'s are' if extra > 1 else ' is'} left over"
                if extra else "")
        return f"Type the pairs, e.g. {_example(n)}{left}"

    def _letter(self, presented: Presented, answer_index: int) -> str:
        return LOWER[presented.answer_order.index(answer_index)]

    def _pairs_text(self, presented: Presented, value) -> str:
        """``value[k]`` is the answer index for bank prompt k -> ``1c 2a 3b`` as shown."""
        return " ".join(f"{n}{self._letter(presented, value[k])}"
                        for n, k in enumerate(presented.order, 1))

    def answer_text(self, presented: Presented) -> str:
        return self._pairs_text(presented, range(len(presented.order)))

    def response_text(self, presented: Presented, response: Response) -> str:
        return self._pairs_text(presented, tuple(response.value))

    def feedback(self, presented: Presented, response: Response) -> list:
        """Every right pair in number order, with the learner's letter where it differs."""
        answer = presented.question.answer
        yours = tuple(response.value)
        wrong = [n for n, k in enumerate(presented.order, 1) if yours[k] != k]
        lines = []
        if wrong:
            lines.append(FeedbackLine("  ", f"Your pairs {self._pairs_text(presented, yours)}: "
                                            f"{wrong_places(wrong, len(answer.pairs), 'pair')}."))
        for n, k in enumerate(presented.order, 1):
            pair = answer.pairs[k]
            text = f"{pair.prompt} → {pair.answer}"
            if n in wrong:
                text += f" (you had {self._letter(presented, yours[k])})"
            lines.append(FeedbackLine(f"  {n}{self._letter(presented, k)} ",
                                      text + (f": {pair.why}" if pair.why else "")))
        return lines

    # ---------------------------------------------------------------- printed cards

    def card_faces(self, presented: Presented) -> CardFaces:
        question = presented.question
        prompts, answers = self.options(presented)
        front = (Paragraph(question.prompt, "prompt"),
                 *(Paragraph(o.text, "choice", o.label) for o in prompts + answers),
                 Paragraph("Match each number to a letter.", "hint"))
        whys = not question.explanation
        answer = self.answer_text(presented)
        back = [Paragraph(f"Answer {answer}", "answer")]
        for n, k in enumerate(presented.order, 1):
            pair = question.answer.pairs[k]
            back.append(Paragraph(f"{pair.prompt} → {pair.answer}"
                                  + (f": {pair.why}" if whys and pair.why else ""),
                                  "answer-choice", f"{n}{self._letter(presented, k)}"))
        return CardFaces(front, tuple(back), answer, instruction=front[-1].text)


KIND = MatchingKind()
