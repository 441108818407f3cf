"""The deciding questions: which unknown answers decide each undecided pilot.

A pilot is *undecided* when score() gives it the verdict `needs_data` or the recommendation
`undecided`. Its *candidate* fields are the unknown scoring inputs that leave the decision
open (the `missing_fields` score() lists); no other unknown field can ever change its
bounds, whatever else becomes known.

**Deciding.** A set S of a pilot's unknown fields *decides* it when, for every assignment of
values to the fields of S (the pilot's other unknowns staying unknown), the bounded scoring
of score() gives a decided verdict (not `needs_data`) and a decided recommendation. The rule
is scoring's own (`scoring.open_decisions`, `decision_bounds`, `open_boxes`), applied to
filled-in variants of the pilot (`engine.filled_in`): there is no second copy of it here.

**Values a field can take.** The decision depends on a field only through the gates and
demand thresholds of the profile, so each field's values fall into classes that every gate
treats alike, and one representative per class stands for all of its values:

- a 1-5 field: the values 1..5 grouped by the status every gate on that field gives them,
  under every risk level (for the default profile, controls has 4 classes: 1-2, 3, 4, 5);
- `risk_level`: the four levels grouped by the statuses every gate gives under them;
- `current_mode`: its four modes;
- `monthly_volume` and `users`: one value per interval between the profile's demand
  thresholds (volume 0, 300, 2,000 and users 1, 8 for the default profile).

Everything is derived from the profile at hand, never written down here, so a changed
profile changes the classes. Filling in every candidate field always decides a pilot
(demand, supply and the current mode are then known), so a deciding set always exists.

**Which set, and what is guaranteed.** Decision is monotone: a superset of a deciding set
decides. The search is by size, over all subsets of the candidate fields:

- *exact* when a pilot has at most `EXACT_MAX_FIELDS` candidate fields: its set is a
  minimum-size deciding set (among the minimum ones, the one whose fields rank best in the
  portfolio ranking below);
- otherwise every single field is still tried (so a one-question pilot is always found);
  when none decides alone, a *greedy* set is built: add the field whose filling leaves the
  smallest share of undecided assignments, until none is left, then drop every field the
  rest decides without. A greedy set is *irreducible* (no field can be left out) but not
  always minimum; it is marked exact when it has two fields (one is known not to suffice).

`exact` in the pilot table says which guarantee holds. Either way, leaving any one field of
the set unknown leaves the pilot undecided for some value of the others.

**Order.** Fields rank by how many undecided pilots each decides on its own, then by the
monthly value of those pilots, then in schema order; each pilot's questions follow it.

**Speed.** Pilots with the same class of every field and the same unknowns get the same
answer, so each distinct situation is searched once. The current mode, demand and supply
ranges hang on disjoint fields (current_mode; volume and users; the gate fields and risk),
so the ranges a set of fields leaves are the product of what each part's fields leave,
and a set decides when no combination of them is open (scoring's `open_boxes`, tabulated
once over all 16 x 16 x 16 ranges). A part's range depends on its own fields only, and on
each through its class: so each part's range is scored once (`scoring.decision_bounds`) for
every combination of classes of its fields, each class or unknown (129,600 for supply with
the default profile), and a situation's variants are looked up in that table. Where 1-5
values are fractional (no classes) or the table would be too large, the filled-in variants
are scored instead, in batches; the results are the same (tested).

**Where it lives.** `fields` holds the scoring inputs a question can ask, their three parts,
the classes of their values (`answer_classes`), field sets as bit masks and the distinct
situations; `parts` the range table of one part over its fields' classes; `search` the entry
point `deciding_questions` and the search by size; `tables` the result, `DecidingQuestions`,
and its pilot, field, owner, unit and coverage tables.
"""

from kairo_scoring.questions.fields import answer_classes
from kairo_scoring.questions.search import deciding_questions
from kairo_scoring.questions.tables import DecidingQuestions, QuestionsHeadline

__all__ = ["DecidingQuestions", "QuestionsHeadline", "answer_classes", "deciding_questions"]
