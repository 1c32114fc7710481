"""The report's figures as per-group targets of the plan: the nine calibration groups' rates, and counting helpers.

The city pages, the clusters' remainders and the rest of the country are the groups the plan rakes to; their
rates come from the printed figures so that every published scope adds up (see ``model.py``).
"""

from . import calibration as cal
from .population import apportion

NATIONAL_N = sum(cal.PROVINCE_COUNTS.values())
NATIONAL_APPLICATIONS = sum(
    cal.BATCH_INDICATORS["applications_per_enterprise"][b] * n for b, n in cal.batch_population().items()
)

INDUSTRY_INVENTION_FACTOR = {
    "next_gen_it": 1.35,
    "biomedicine": 1.25,
    "aerospace": 1.15,
    "new_materials": 1.1,
    "rail": 1.0,
    "nev": 0.9,
    "marine": 0.95,
    "power": 0.9,
    "cnc_robotics": 0.85,
    "agri_machinery": 0.7,
    "other": 0.85,
}
INDUSTRY_PCT_OFFSET = {
    "next_gen_it": 0.6,
    "biomedicine": 0.5,
    "nev": 0.2,
    "cnc_robotics": 0.2,
    "new_materials": 0.0,
    "aerospace": -0.3,
    "power": -0.1,
    "marine": -0.2,
    "rail": -0.5,
    "agri_machinery": -0.6,
    "other": -0.1,
}
BOARD_SIZE_FACTOR = {
    "star": 2.4,
    "main": 2.0,
    "chinext": 1.6,
    "hkex": 2.0,
    "sgx": 1.4,
    "bse": 1.1,
    "neeq": 1.1,
    "": 1.0,
}


# --- group targets (per enterprise rates of the nine calibration groups) ----------------------------


def report_group_sizes() -> dict[str, int]:
    sizes = {city: cal.CITY_COUNTS[city] for city in cal.FIVE_CITIES}
    sizes["jjj_rest"] = cal.CLUSTER_COUNTS["jjj"] - sizes["110100"]
    sizes["yrd_rest"] = cal.CLUSTER_COUNTS["yrd"] - sizes["310100"] - sizes["330200"]
    sizes["gba_rest"] = cal.CLUSTER_COUNTS["gba"] - sizes["440300"]
    sizes["rest"] = NATIONAL_N - sum(sizes.values())
    return sizes


def group_rates() -> dict[str, dict[str, float]]:
    """Per-group targets so that city pages, clusters and nation all come out as printed.

    The rest of a cluster is the cluster's total minus its city pages; the rest of the country is the
    nation minus everything else. Returns {group: {measure: value}} with ``applications``, ``citations``,
    ``pct`` per enterprise and ``invention_share`` per application.
    """
    sizes = report_group_sizes()
    rates: dict[str, dict[str, float]] = {}
    totals: dict[str, dict[str, float]] = {}
    for city in cal.FIVE_CITIES:
        ind = cal.CITY_INDICATORS[city]
        n = sizes[city]
        totals[city] = {
            "applications": ind["applications"],
            "inventions": ind["applications"] * ind["invention_share"],
            "citations": ind["citations_per_enterprise"] * n,
            "pct": ind["pct_per_enterprise"] * n,
        }
    national = {
        "applications": NATIONAL_APPLICATIONS,
        "inventions": NATIONAL_APPLICATIONS * cal.NATIONAL["invention_share"],
        "citations": sum(
            cal.BATCH_INDICATORS["citations_per_enterprise"][b] * n for b, n in cal.batch_population().items()
        ),
        "pct": cal.NATIONAL["pct_per_enterprise"] * NATIONAL_N,
    }
    cluster_cities = {"jjj": ("110100",), "yrd": ("310100", "330200"), "gba": ("440300",)}
    for cluster, cities in cluster_cities.items():
        ind = cal.CLUSTER_INDICATORS[cluster]
        n = cal.CLUSTER_COUNTS[cluster]
        apps = ind["applications_per_enterprise"] * n
        whole = {
            "applications": apps,
            "inventions": apps * ind["invention_share"],
            "citations": ind["citations_per_enterprise"] * n,
            "pct": ind["pct_per_enterprise"] * n,
        }
        totals[f"{cluster}_rest"] = {k: v - sum(totals[c][k] for c in cities) for k, v in whole.items()}
    totals["rest"] = {k: v - sum(t[k] for t in totals.values()) for k, v in national.items()}
    for group, t in totals.items():
        n = sizes[group]
        rates[group] = {
            "applications": t["applications"] / n,
            "invention_share": t["inventions"] / t["applications"],
            "citations": t["citations"] / n,
            "pct": t["pct"] / n,
        }
    return rates


def pooled_rate(key: str, national_total: float, sizes: dict[str, int]) -> float:
    """Per-enterprise rate of the groups without a printed value, given the five city pages'."""
    cities = sum(cal.CITY_INDICATORS[c][key] * sizes[c] for c in cal.FIVE_CITIES)
    rest_n = sum(n for g, n in sizes.items() if g not in cal.FIVE_CITIES)
    return (national_total - cities) / rest_n


# --- year profiles ---------------------------------------------------------------------------------


def scaled_targets(counts: dict, per_enterprise: dict) -> dict:
    return {label: per_enterprise[label] * n for label, n in counts.items()}


def count_by(labels: list) -> dict:
    out: dict = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return out


def bucket_targets(buckets: dict[str, int], n: int) -> list[int]:
    """The report's bucket sizes, scaled to ``n`` enterprises (exact at report scale)."""
    return apportion(n, list(buckets.values())) if n != NATIONAL_N else list(buckets.values())


def sum_by(labels: list, values: list) -> dict:
    out: dict = {}
    for label, value in zip(labels, values, strict=True):
        out[label] = out.get(label, 0) + value
    return out
