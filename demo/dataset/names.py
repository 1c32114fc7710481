"""Company names, credit codes and stock codes that look like the real thing.

Names follow the registered pattern 行政区划 + 字号 + 行业特点 + 组织形式 ("苏州汇川精密机械股份有限公司"),
sometimes with the region in brackets after the trade name ("锐科激光（武汉）股份有限公司"). Uniqueness is
checked against every name handed out, including the unlinked co-applicants of the patent file.
"""

from enterprises.credit_codes import ALPHABET, credit_code_check_character

BRAND_FIRST = (
    "华中联汇恒科精鼎瑞博天嘉宏金新盛海德凯迈锐睿星远永信和安正泰力创光晶微英思智宇雅奥诺立兴捷康诚明晟昊弘普拓达益欣航"
)
BRAND_SECOND = "芯创通达科信泰源航川光电威特美德力能瑞盛讯微晶驰锋腾捷维迅宇恒立峰鑫博邦元禾辰骏图灵视坤"

INDUSTRY_WORDS = {
    "next_gen_it": (
        "微电子",
        "半导体",
        "信息技术",
        "软件",
        "通信技术",
        "光电",
        "智能科技",
        "数据科技",
        "集成电路",
        "电子",
    ),
    "cnc_robotics": ("机器人", "数控", "精密机械", "智能装备", "自动化", "机床", "传动"),
    "power": ("电气", "电力设备", "电力科技", "能源装备", "输配电", "变压器"),
    "agri_machinery": ("农业机械", "农机装备", "农业装备", "植保机械"),
    "new_materials": ("新材料", "材料科技", "化工", "高分子材料", "特种合金", "复合材料", "精细化工", "稀土材料"),
    "biomedicine": ("生物医药", "医疗器械", "生物科技", "制药", "医疗科技", "药业", "诊断技术"),
    "aerospace": ("航空科技", "航天技术", "宇航", "航空装备", "飞行器"),
    "marine": ("船舶", "海洋工程", "海工装备", "船舶科技", "海洋装备"),
    "rail": ("轨道交通", "轨道装备", "铁路器材", "轨道科技"),
    "nev": ("汽车零部件", "新能源科技", "动力科技", "电池", "汽车电子", "电驱动"),
    "other": ("科技", "实业", "环保科技", "仪器", "机电", "工业技术", "检测技术"),
}

UNIVERSITIES = (
    "清华大学", "浙江大学", "上海交通大学", "华中科技大学", "哈尔滨工业大学", "西安交通大学", "东南大学",
    "北京航空航天大学", "华南理工大学", "电子科技大学", "中南大学", "大连理工大学", "南京航空航天大学",
    "中国科学院微电子研究所", "中国科学院宁波材料技术与工程研究所", "中国科学院深圳先进技术研究院",
    "国网江苏省电力有限公司电力科学研究院", "中国电子科技集团公司第十四研究所", "北京机械工业自动化研究所有限公司",
)  # fmt: skip

# GB 11714 organisation-code check: weights over the 8-character body, values 0-9 and A=10 .. Z=35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MA_BODY_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_COUNTY_SUFFIXES = ("02", "03", "04", "05", "06", "07", "08", "11", "12", "13", "81", "82", "83")


def organisation_code(body8: str) -> str:
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * weight for ch, weight in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


class NameBook:
    """Hands out unique names, credit codes and stock codes from one random stream."""

    def __init__(self, rng):
        self.rng = rng
        self.taken_names: set[str] = set()
        self.taken_codes: set[str] = set()
        self.taken_stock: set[str] = set()

    # -- names ---------------------------------------------------------------------------------------

    def _brand(self) -> str:
        rng = self.rng
        return rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)

    def company_name(self, region_word: str, industry_field: str, *, joint_stock: bool, bracketed: bool = False) -> str:
        rng = self.rng
        for _attempt in range(200):
            brand = self._brand()
            word = rng.choice(INDUSTRY_WORDS[industry_field])
            if joint_stock:
                suffix = "股份有限公司"
            elif word.endswith(("科技", "技术")) or rng.random() < 0.55:
                suffix = "有限公司"
            else:
                suffix = "科技有限公司"
            name = f"{brand}{word}（{region_word}）{suffix}" if bracketed else f"{region_word}{brand}{word}{suffix}"
            if name not in self.taken_names:
                self.taken_names.add(name)
                return name
        raise RuntimeError("name space exhausted")  # 3,000 trade names x words x regions: never in practice

    def former_name(self, name: str, region_word: str, industry_field: str) -> str:
        """An earlier registered name: the pre-IPO 有限公司 form, or an older trade name."""
        if name.endswith("股份有限公司") and self.rng.random() < 0.6:
            candidate = name[: -len("股份有限公司")] + "有限公司"
            if candidate not in self.taken_names:
                self.taken_names.add(candidate)
                return candidate
        return self.company_name(region_word, industry_field, joint_stock=False)

    def unknown_firm(self, region_word: str) -> str:
        """A co-applicant that is not a 小巨人 (kept unlinked by the importer)."""
        return self.company_name(
            region_word, self.rng.choice(("other", "new_materials", "next_gen_it")), joint_stock=False
        )

    # -- codes ---------------------------------------------------------------------------------------

    def credit_code(self, city_code: str, founded_year: int) -> str:
        """91 (市场监管, 企业) + a county of the city + organisation code + GB 32100 check character."""
        rng = self.rng
        while True:
            division = city_code[:4] + rng.choice(_COUNTY_SUFFIXES)
            if founded_year >= 2016:
                # Since the 2015 reform new registrations carry an MA-prefixed organisation code.
                body = "MA" + "".join(rng.choices(_MA_BODY_ALPHABET, k=6))
            else:
                body = f"{rng.randrange(10_000_000, 100_000_000)}"
            first17 = "91" + division + organisation_code(body)
            code = first17 + credit_code_check_character(first17)
            if code not in self.taken_codes:
                self.taken_codes.add(code)
                return code

    def stock_code(self, board: str) -> str:
        rng = self.rng
        while True:
            if board == "main":
                code = (
                    rng.choice(("600", "601", "603", "605", "000", "001", "002", "003")) + f"{rng.randint(0, 999):03d}"
                )
            elif board == "chinext":
                code = rng.choice(("300", "301")) + f"{rng.randint(0, 999):03d}"
            elif board == "star":
                code = f"688{rng.randint(0, 799):03d}"
            elif board == "bse":
                code = rng.choice(("83", "87", "43", "92")) + f"{rng.randint(0, 9999):04d}"
                code = "920" + code[3:] if code.startswith("92") else code
            elif board == "neeq":
                code = rng.choice(("83", "87", "43", "88")) + f"{rng.randint(0, 9999):04d}"
            elif board == "hkex":
                code = f"{rng.randint(1, 9999):04d}" if rng.random() < 0.7 else f"0{rng.randint(1000, 9999)}"
            else:  # sgx and other foreign exchanges use short alphanumeric tickers
                code = (
                    str(rng.randint(1, 9))
                    + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                    + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                )
            if code not in self.taken_stock:
                self.taken_stock.add(code)
                return code


__all__ = ["ALPHABET", "UNIVERSITIES", "NameBook", "organisation_code"]
