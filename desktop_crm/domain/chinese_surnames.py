"""Chinese family names, to split a written name into family and given name.

A Chinese name is written family name first with no space (陈彤, 欧阳娜娜),
so the split needs to know the surnames: the single-character ones of the
百家姓 and of today's census lists, the compound (two-character) ones, and
the traditional forms used in Taiwan and Hong Kong.
"""

from __future__ import annotations

# 百家姓 (single surnames, in its order), then common ones it lacks (付 闫 覃 ...)
_SIMPLIFIED = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂"
    "濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘"
    "匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相"
    "查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦岳帅缑亢况郈佘佴墨哈谯笪年爱阳佟言福"
    "付覃肖区练植佀麦邝冼招粟揭卿铁矫"
)
# 繁體 forms of the common single surnames
_TRADITIONAL = (
    "陳張劉黃吳趙楊許鄭謝蕭葉蘇莊呂羅簡鍾顏孫戴鄧馬阮董溫藍蔣馮韓盧賴廖魏龔嚴錢鄒賀顧龍萬湯"
    "薛閻閆譚陸賈夏曾黎歐聶雷紀姚樊閔衛費鄔齊寧欒鄺鮑傅駱蓋龐喬單嚴鐘關鄔鄂聞苗華邵尤")
SINGLE_SURNAMES: frozenset[str] = frozenset(_SIMPLIFIED + _TRADITIONAL)

COMPOUND_SURNAMES: frozenset[str] = frozenset((
    "欧阳", "司马", "诸葛", "上官", "慕容", "皇甫", "司徒", "东方", "夏侯", "尉迟", "公孙",
    "长孙", "宇文", "令狐", "轩辕", "端木", "西门", "南宫", "独孤", "万俟", "闻人", "澹台",
    "公冶", "太叔", "申屠", "钟离", "宗政", "濮阳", "淳于", "单于", "赫连", "呼延", "拓跋",
    "百里", "东郭", "南门", "羊舌", "微生", "公羊", "梁丘", "左丘", "第五", "司空", "司寇",
    "亓官", "仲孙", "巫马", "鲜于", "闾丘", "乐正", "壤驷", "漆雕", "谷梁", "段干", "子车",
    "颛孙", "公良", "公西", "东门", "夹谷", "宰父", "归海", "有琴", "商牟", "伯赏", "仉督",
    # 繁體
    "歐陽", "司馬", "諸葛", "皇甫", "東方", "尉遲", "公孫", "長孫", "軒轅", "南宮", "獨孤",
    "聞人", "澹臺", "鍾離", "濮陽", "單于", "赫連", "東郭", "鮮於", "閭丘", "顓孫",
))


def surname_of(name: str) -> str:
    """The family name a Chinese ``name`` (no spaces) starts with, or "" when
    it starts with none known. A compound surname is taken only when a given
    name follows it: 钟离 alone is Zhong Li, 钟离春 is Zhongli Chun."""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    if len(name) >= 2 and name[0] in SINGLE_SURNAMES:
        return name[0]
    return ""
