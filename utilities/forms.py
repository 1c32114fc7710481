"""Admin forms that accept only what the importer accepts.

The importer and the API (which writes through it) refuse cells with HTML markup or a spreadsheet
formula's first character; an admin form that stored them made an export that no longer re-imports, and
put markup where the portal and the PDF reports show names (issue #22). ``CellCheckedModelForm`` runs the
importer's own cell rule (``utilities.tabular.cells.cell_problem``) over every text a form cleans.
"""

from django import forms

from .tabular.cells import cell_problem


class CellCheckedFormMixin:
    """Refuses, per field, a text (or a text in a list, such as former names) the importer would refuse."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            for text in value if isinstance(value, (list, tuple)) else [value]:
                problem = cell_problem(text) if isinstance(text, str) else None
                if problem:
                    self.add_error(name, problem)
                    break
        return cleaned


class CellCheckedModelForm(CellCheckedFormMixin, forms.ModelForm):
    """The base form of admin classes and inlines whose fields the importer also writes."""
