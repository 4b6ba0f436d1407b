"""Common names that Faker's locales lack, romanised: West and East African, Japanese, Chinese
(pinyin), Korean, South Asian, Arabic, Persian, Turkish, Irish and Slavic ones.

They join the gazetteer of ``names.py``; like Faker's, none is matched alone outside the
contexts that make a word a name (a capitalised word after it, a verb, a title, a greeting).
"""

from __future__ import annotations

import functools
from pathlib import Path


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (lists stay readable as prose)."""
    return frozenset(text.split())


EXTRA_FIRST_NAMES = words(
    """
    adaeze adaora adebayo adeola adewale adunni akin akinyi amaka amara ayodele babajide bola
    chiamaka chidi chidinma chika chinedu chinonso chioma chukwuemeka emeka ebere folake funmi
    funmilayo ifeoma ikenna kayode kelechi ngozi nkechi nnamdi obinna oluwaseun olumide olufemi
    oluwatobi segun seun tobi temitope tunde uchenna yetunde yemi kofi kwabena kwaku kwesi
    akosua abena efua adjoa wanjiru wambui njeri kamau otieno achieng akinyi baraka
    zawadi neema juma amani thandiwe thabo sipho lerato nomvula themba zanele bongani lindiwe
    haruto hinata sota yuto riku kaito yuki yui aoi sakura mio haruka daiki
    takeshi hiroshi kenji kenta shota akira kazuki yuma naoki yusuke tomoko
    keiko yoko naomi emi ayaka misaki nanami kaori xiaoming xiaoli haoran zihan yichen
    minjun seojun doyun jiwoo siwoo jihoon seoyeon jiwon minseo soyeon jiyeon hyun jisoo eunji
    arjun aarav vihaan aditya rohan rahul ravi vikram sanjay suresh ramesh anil sunil ajay
    priya ananya aditi divya kavya lakshmi meera neha pooja shreya sneha swati anjali deepika
    aarti sunita geeta rekha venkat karthik murali srinivas ganesh balaji senthil lakshman
    gurpreet harpreet manpreet jaspreet simran navjot amandeep rajinder sukhwinder
    muhammad mohammed mohamed ahmad ahmed mahmoud mustafa omar umar ali hassan hussein khalid
    tariq yusuf youssef ibrahim ismail hamza bilal faisal imran kamran zainab fatima fatma aisha
    ayesha maryam mariam khadija layla leila noor nour yasmin amira salma hana rania huda
    reza mehdi hossein ali-reza farhad dariush kian arash parisa shirin nasrin maryam roya
    mehmet mustafa emre burak cem murat serkan volkan ayşe elif zeynep merve büşra esra
    ciarán ciaran oisín oisin cathal colm donal eoin fionn niamh aoife siobhan caoimhe saoirse
    orla róisín roisin gráinne grainne sinéad sinead áine aine máire maire pádraig padraig seán
    sean tadhg ruairí ruairi dara darragh cillian
    wojciech grzegorz krzysztof tomasz przemysław przemyslaw małgorzata malgorzata agnieszka
    katarzyna magdalena bartosz dariusz zbigniew jolanta
    """
)

EXTRA_SURNAMES = words(
    """
    adeyemi adebayo adeleke afolabi akinola balogun bello chukwu eze ezeh nwosu nwachukwu obi
    obiora odukoya ogunleye okafor okeke okonkwo okoro okoye oladipo olawale onyekachi oyelaran
    mensah owusu boateng asante osei appiah agyeman kamau otieno odhiambo mwangi njoroge wanjiku
    ndlovu dlamini nkosi mokoena khumalo tshabalala mahlangu zulu
    sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida yamada
    sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki ikeda hashimoto
    ishikawa nakashima ogawa okada goto
    zhang liu huang zhao zhou zheng liang choi yoon kwon hwang
    sharma verma gupta singh kumar patel shah mehta iyer iyengar nair menon pillai reddy rao
    naidu chatterjee banerjee mukherjee bose ghosh joshi kulkarni deshmukh desai
    khan hussain qureshi siddiqui chaudhry malik sheikh haddad khalil mansour nasser
    hashemi karimi rahimi hosseini mohammadi ahmadi rostami
    y\u0131lmaz yilmaz kaya demir şahin sahin çelik celik y\u0131ld\u0131z yildiz
    öztürk ozturk ayd\u0131n aydin
    kowalski kowalska lewandowski lewandowska wiśniewski wisniewski wójcik wojcik kamiński
    kaminski zieliński zielinski szymański szymanski woźniak wozniak kozłowski kozlowski
    nowakowski kowalczyk
    ó'briain murphy kelly byrne ryan doherty gallagher kavanagh quigley hanrahan maguire
    """
)


@functools.cache
def english_ranks() -> dict[str, int]:
    """symspellpy's English word list (web word frequencies), word -> rank (0 = most common).

    It tells a word that is also a name ("hope", "reason") from a name that is no English word
    ("niamh", "bukola"); very common first names are in it too ("michael"), so it only ever
    vetoes, in contexts where a common word is the likelier reading.
    """
    import symspellpy

    path = Path(symspellpy.__file__).with_name("frequency_dictionary_en_82_765.txt")
    with path.open(encoding="utf-8") as lines:
        return {line.split(" ", 1)[0]: rank for rank, line in enumerate(lines)}


def common_english(word: str, top: int = 20000) -> bool:
    """``word`` (any case) is among the ``top`` most frequent English words."""
    rank = english_ranks().get(word.lower())
    return rank is not None and rank < top
