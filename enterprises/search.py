"""The enterprise text search (``?q=``) and the bigram index that keeps it fast on PostgreSQL.

The search matches part of a current or former name, or the beginning of a credit code. Names are
compared with ``LIKE '%…%'``, which a B-tree cannot serve: PostgreSQL read every enterprise, 50–130 ms a
search at the national scale (130,000 enterprises). pg_trgm does not help: most searches are two
Chinese characters (科技, 精密), which hold no trigram.

So on PostgreSQL every enterprise keeps the character pairs (bigrams) of its names in a generated column
with a GIN index (migration 0010). Any pair of a searched text is a pair of the names it is found in, so
"the names' pairs contain the text's pairs" is a necessary condition, which the index answers:

- for a plain text of two characters (no letter case, already normalised: 科技, 精密, 68), it is also
  sufficient, and it replaces the ``LIKE`` conditions: the planner then estimates the matches from the
  column's statistics instead of multiplying two estimates of the same condition;
- for any other text of two characters or more, it narrows the rows the unchanged ``LIKE`` conditions
  test;
- a text of one character keeps the scan.

The credit code keeps its own B-tree prefix search.
"""

from django.db.models import BooleanField, Expression, Func, Q, TextField, Value
from django.db.models.functions import Upper

from .names import normalize_name

# The column migration 0010 adds: text_bigrams(upper(name) || '\n' ||
# upper(former_names::text) || '\n' || name_normalized), the names as each LIKE below compares them.
BIGRAMS_COLUMN = "search_bigrams"
BIGRAMS_FUNCTION = "text_bigrams"


class _BigramsColumn(Expression):
    """The enterprise's ``search_bigrams`` column, a column Django's model does not declare (a generated
    column of migration 0010). It takes its table alias from the primary key, so it stays right inside subqueries."""

    output_field = TextField()

    def __init__(self, primary_key=None):
        super().__init__()
        self.primary_key = primary_key

    def get_source_expressions(self):
        return [self.primary_key]

    def set_source_expressions(self, expressions):
        (self.primary_key,) = expressions

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.primary_key = query.resolve_ref("pk", allow_joins, reuse, summarize)
        return clone

    def as_sql(self, compiler, connection):
        primary_key, params = compiler.compile(self.primary_key)
        table = primary_key.rsplit(".", 1)[0]
        return f"{table}.{connection.ops.quote_name(BIGRAMS_COLUMN)}", params


def _names_contain_pairs_of(text) -> Q:
    """The index condition: the names' pairs include every pair of ``text`` (an SQL expression)."""
    pairs = Func(text, function=BIGRAMS_FUNCTION, output_field=TextField())
    return Q(Func(_BigramsColumn(), pairs, template="%(expressions)s", arg_joiner=" @> ", output_field=BooleanField()))


def _name_matches(text: str, key: str) -> Q:
    condition = Q(name__icontains=text) | Q(former_names__icontains=text)
    if key:
        condition |= Q(name_normalized__contains=key)
    return condition


def text_matches(text: str) -> Q:
    """Enterprises whose current or former name contains ``text`` (also after name normalisation), or
    whose credit code begins with it: the search as plain ``LIKE`` conditions."""
    return _name_matches(text, normalize_name(text)) | Q(credit_code__startswith=text.upper())


def search_condition(text: str) -> Q:
    """The condition ``text_matches`` gives, written for the bigram index."""
    key = normalize_name(text)
    if len(text) < 2 or len(key) < 2 or "\n" in text:
        return text_matches(text)
    caseless = text.upper() == text.lower()
    indexed = _names_contain_pairs_of(Upper(Value(text)))
    if key != text or not caseless:
        indexed |= _names_contain_pairs_of(Value(key))
    exact = len(text) == 2 and key == text and caseless  # the one pair is in the names exactly when the text is
    names = indexed if exact else indexed & _name_matches(text, key)
    return names | Q(credit_code__startswith=text.upper())


def search(queryset, text: str):
    """``queryset`` narrowed to the enterprises ``text`` matches (``text_matches``), through the bigram
    index."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(search_condition(text))
