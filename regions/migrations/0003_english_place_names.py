"""English place names as people read and type them: "Inner Mongolia", not the pinyin "Neimenggu".

The divisions were loaded with ``name_en`` made from the pinyin of the short name. This puts the usual
English form where it differs: the official English names of the autonomous regions' places (Hohhot,
Urumqi, Lhasa, Xigaze...), Harbin and Qiqihar, and the apostrophe of pinyin (Xi'an, Lu'an). The pinyin
stays searchable as the ``slug``; other names people use (Tibet, Shigatse, Kashgar) are
``regions.choices.PLACE_ALIASES``. ``regions/data/divisions.csv`` carries the same names for new databases.
A row whose English name was edited since (not the old pinyin) is left alone.
"""

from django.db import migrations

PROVINCES = {
    "150000": ("Neimenggu", "Inner Mongolia"),
}
CITIES = {
    "150100": ("Huhehaote", "Hohhot"),
    "150600": ("Eerduosi", "Ordos"),
    "150700": ("Hulunbeier", "Hulunbuir"),
    "150800": ("Bayannaoer", "Bayannur"),
    "150900": ("Wulanchabu", "Ulanqab"),
    "152200": ("Xingan", "Hinggan"),
    "152500": ("Xilinguolei", "Xilingol"),
    "152900": ("Alashan", "Alxa"),
    "230100": ("Haerbin", "Harbin"),
    "230200": ("Qiqihaer", "Qiqihar"),
    "232700": ("Daxinganling", "Da Hinggan Ling"),
    "540100": ("Lasa", "Lhasa"),
    "540200": ("Rikaze", "Xigaze"),
    "540300": ("Changdu", "Qamdo"),
    "540400": ("Linzhi", "Nyingchi"),
    "540600": ("Naqu", "Nagqu"),
    "542500": ("Ali", "Ngari"),
    "650100": ("Wulumuqi", "Urumqi"),
    "650200": ("Kelamayi", "Karamay"),
    "650400": ("Tulufan", "Turpan"),
    "652700": ("Boertala", "Bortala"),
    "652800": ("Bayinguoleng", "Bayingolin"),
    "652900": ("Akesu", "Aksu"),
    "653000": ("Kezileisu", "Kizilsu"),
    "653200": ("Hetian", "Hotan"),
    "654000": ("Yili", "Ili"),
    "654300": ("Aleitai", "Altay"),
    "632600": ("Guoluo", "Golog"),
    "513200": ("Aba", "Ngawa"),
    "513300": ("Ganzi", "Garze"),
    "141100": ("Lvliang", "Lüliang"),
    "610100": ("Xian", "Xi'an"),
    "610600": ("Yanan", "Yan'an"),
    "360800": ("Jian", "Ji'an"),
    "320800": ("Huaian", "Huai'an"),
    "341500": ("Luan", "Lu'an"),
    "511800": ("Yaan", "Ya'an"),
    "511600": ("Guangan", "Guang'an"),
    "370900": ("Taian", "Tai'an"),
    "340500": ("Maanshan", "Ma'anshan"),
    "530800": ("Puer", "Pu'er"),
}


def _rename(apps, *, forward: bool) -> None:
    for model_name, names in (("Province", PROVINCES), ("City", CITIES)):
        model = apps.get_model("regions", model_name)
        for code, (old, new) in names.items():
            before, after = (old, new) if forward else (new, old)
            model.objects.filter(code=code, name_en=before).update(name_en=after)


def forwards(apps, schema_editor):
    _rename(apps, forward=True)


def backwards(apps, schema_editor):
    _rename(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_place_name_prefix_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
