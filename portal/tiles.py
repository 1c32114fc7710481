"""A tile-grid map of the 31 provinces: (row, column, short name) in a rough geographic layout.

A tile grid shows every province at the same size, so the small eastern provinces that hold most of the
enterprises stay readable; it needs no boundary data (and no licence for any).
"""

PROVINCE_TILES = {
    "230000": (0, 7, "黑龙江"),
    "650000": (1, 0, "新疆"),
    "150000": (1, 3, "内蒙古"),
    "110000": (1, 5, "北京"),
    "210000": (1, 6, "辽宁"),
    "220000": (1, 7, "吉林"),
    "620000": (2, 1, "甘肃"),
    "640000": (2, 2, "宁夏"),
    "140000": (2, 3, "山西"),
    "130000": (2, 4, "河北"),
    "120000": (2, 5, "天津"),
    "540000": (3, 0, "西藏"),
    "630000": (3, 1, "青海"),
    "610000": (3, 2, "陕西"),
    "410000": (3, 3, "河南"),
    "370000": (3, 4, "山东"),
    "510000": (4, 1, "四川"),
    "500000": (4, 2, "重庆"),
    "420000": (4, 3, "湖北"),
    "340000": (4, 4, "安徽"),
    "320000": (4, 5, "江苏"),
    "310000": (4, 6, "上海"),
    "530000": (5, 1, "云南"),
    "520000": (5, 2, "贵州"),
    "430000": (5, 3, "湖南"),
    "360000": (5, 4, "江西"),
    "330000": (5, 5, "浙江"),
    "450000": (6, 2, "广西"),
    "440000": (6, 3, "广东"),
    "350000": (6, 4, "福建"),
    "460000": (7, 3, "海南"),
}

# English names too long for one line of a tile at a legible size: two lines (the full name is the tile's
# title and its link's label). The others fit on one line, the longest (nine letters) narrowed to the tile.
TILE_LINES_EN = {
    "150000": ("Inner", "Mongolia"),
    "230000": ("Heilong-", "jiang"),
}
