"""Words that are never place names, in the languages alerts are written in.

A gazetteer of a hundred thousand villages holds names that look like common
words ("Moto", "Leo", "Sasa" all exist somewhere). A word on these lists is
never taken for a place, not even when it matches a name exactly: an alert
that says "moto" (fire) means fire. Lists are written without accents, in
lower case, as `compact` leaves a word.

Kept as data in code, not a file read at import: the lists change with a
release, not with a mission, and the domain does no I/O.
"""

from __future__ import annotations

import re

_FRENCH = """
    a au aux avec ce ces cet cette chez dans de des du elle elles en est et eux il ils je la le
    les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que
    qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y ya deja encore aussi tres
    tout tous toute toutes plus moins bien mal ici la-bas vers depuis pendant apres avant entre
    sans sous contre parmi selon jusque jusqu donc car puis alors comme quand si oui non
    pres cote proche loin village villages localite groupement quartier secteur territoire ville
    cite chefferie colline route axe piste champ champs foret riviere pont marche ecole eglise
    centre poste camp base nord sud est ouest km kms kilometre kilometres metre metres
    attaque attaques attaquent attaquer attaquee ont sont etait etaient fait faire venu venus
    venue arrive arrives arrivent entre entres tue tues tuee tuees mort morts morte blesse
    blesses enleve enleves enlevement kidnappe kidnappes viol viols violee pillage pillent pille
    incendie incendies brule brulent maison maisons gens personne personnes population civils
    civil femmes femme enfants enfant hommes homme famille familles coup coups feu tirs tir
    balles arme armes armee armes hommes militaires militaire soldats soldat rebelles rebelle
    assaillants bandits miliciens milice inconnus groupe groupes arme armes urgence aide
    secours svp stp merci bonjour bonsoir alerte alert attention danger vite rapidement
    maintenant matin soir nuit hier aujourdhui demain heure heures minute minutes jour jours
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin
    juillet aout septembre octobre novembre decembre beaucoup plusieurs nombreux deux trois
    quatre cinq six sept huit neuf dix vingt cent mille fuient fuite fuir deplaces refugies
    brousse toujours situation calme tendue panique peur cris entendu entend voir vu
    site deplaces entree apercus apercu nourris obus position coordonnees signale signalee
    signales commercants pecheurs enlevements massacre combat combats cours besoin aide
    appelez hommes elements presence mouvement incursion embuscade otages betail
"""

_ENGLISH = """
    the a an and or of in on at to from by with without for near about into over under after
    before between this that these those there here is are was were be been being have has had
    do does did not no yes it its they them their he she his her we our you your i me my who
    what where when how why which all some many few more most very now today tonight yesterday
    tomorrow morning evening night afternoon hour hours minute minutes day days week north south
    east west km kms kilometre kilometres kilometer kilometers mile miles village town road
    river bridge market school church camp base attack attacks attacked attacking killed kill
    dead wounded injured kidnapped abducted raped rape looting looted burned burning burnt
    houses house people person civilians civilian women woman children child men man family
    gun guns shots shooting fire armed group groups soldiers soldier rebels rebel militia
    bandits unknown men help please urgent emergency alert thanks hello hi came come coming
    arrived entered went fled fleeing displaced many two three four five six seven eight nine
    ten twenty hundred monday tuesday wednesday thursday friday saturday sunday still again
    side area zone near close far away just cattle cows goats raiders raid raids
    approaching gunmen gunfire gunshots looting looters boats fighters fighting clashing
    clashes shelling ambush contact patrol reported reports seen sighted heard spotted
    market everywhere since last took moving around road fleeing wounded burnt
"""

_SWAHILI = """
    na wa ya za la cha vya kwa kwenye katika huko hapa pale kule karibu mbali ndani nje juu
    chini kati mpaka hadi kutoka toka kuelekea tangu baada kabla sasa leo jana kesho asubuhi
    mchana jioni usiku saa dakika siku wiki kijiji vijiji mji mtaa kata kitongoji barabara mto
    daraja soko shule kanisa kambi kaskazini kusini mashariki magharibi upande umbali kilomita
    kilometa km mita watu mtu wanawake mwanamke watoto mtoto wanaume mwanaume familia askari
    wanajeshi jeshi waasi wavamizi majambazi wahalifu adui silaha bunduki risasi moto nyumba
    nyumba shambulio mashambulizi wamevamiwa wamevamia wamevamiya vamia wameshambulia
    wameshambuliwa wameuawa wameua wameuwa ameuawa wamekufa wamekufa wafu maiti wamejeruhiwa
    majeruhi wametekwa wamechoma wameteka wamepora uporaji ubakaji wamebaka wamekimbia
    wanakimbia wamefika wamekuja wamekuya walikuja wameingia wanaingia wako yuko kuna hakuna
    ni si ndiyo hapana tafadhali msaada haraka hatari salama shida kuu sana wengi wote kila
    moja mbili tatu nne tano sita saba nane tisa kumi ishirini mia elfu jumatatu jumanne
    jumatano alhamisi ijumaa jumamosi jumapili mimi wewe yeye sisi ninyi wao huyu hawa hii
    hizi hicho hiyo ile wale yule habari asante mungu bwana mama baba kaka dada eneo sehemu
    pia tena bado tu sawa lakini au kama ili wakati boma ngombe mbuzi kuku shamba
    shambani mjini sokoni mtoni porini msituni kanisani nyumbani njiani barabarani
    wanamgambo wameonekana wamekimbia wamechoma zimechomwa wametekwa wanakuja wamefika
    wamebakwa tusaidie tusaidieni wenye nyingi hivi huu wameiba kuchoma
"""

_LINGALA = """
    na ya te mpe to ezali ezalaki bazali bato moto mwasi basi mwana bana mobali mibali mboka
    bamboka engumba balabala ebale zando eteyelo lingomba banyama nyama basoda soda bapayi
    bayibi bayini bakoti akoti bakotaki babomi abomi babomaki bokitani bazoba babundi etumba
    masasi mondoki bundoki moto kotumba batumbi bakimi kokima lelo lobi ntongo butu mpokwa
    sikoyo sikawa noki lisusu mingi moke yango oyo wana awa kuna wapi ndenge mpo nini nani
    boni mosala libanda kati likolo nse pembeni penepene mosika mokili eleki
    moko mibale misato minei mitano zomi tosalisa lisalisi mbote matondo bakangi
    bakangaki akangi kokanga bakufi akufi kokufa ebeti kobeta makasi koya kobundisa mabe
    ngambo bakei kokende bayei
"""

_SANGO = """
    zo a ti na so ni ala aeke ake eke lo ala mbi mo e asi akiri ague ga kodro gbata lege ngu
    gbe ndo ndali ngbanga lakue fadeso lani bi la kota gbi ngbonga turugu aturugu amaboko
    awato wato akpe akpi akui kui mbeni mingi kete aye ye zia tene ngangu hio hon lo kue kwe
    bira ngonda anzi azo aga ayeke sioni laso ngombe aseleka
"""

_JUBA_ARABIC = """
    fi ta min wa ma de di al el ana inta hu humma nina nas zol zoul jeish jesh askari askar
    harami haramiin nihab bundug bunduk darab darabo katal katalo ja jo doxul duxul dakhal
    hasi hassa lissa bukra amis lel sabah asuma bakan beit buyut jadid kebir sughayar kulu
    shimal janub sharq shargi garb gharb gerib bayid sawa ya kalam mafi fi nafar arabiya
    arabia harigu gutiya kulu umbara arrau musada hujum silah darabu mutu be jo kilo
"""

# Short codes of armed groups, armies, missions and agencies: alerts name them
# constantly, and some collide with villages (the ADF, "Adf" somewhere).
_ACRONYMS = """
    adf fardc fdlr nalu codeco fpic cmc apcls nduma ndc ndcr raia mutomboki mai maimai mayi
    mayimayi wazalendo rdf updf monusco monuc unmiss minusca minusma unamid unisfa msf
    cicr icrc ocha unhcr unicef pam wfp hcr pnc fdn spla splaio ssdf nas rsf saf jem sla
    slm cpc fprc upc mpc antibalaka balaka seleka ex jnim isgs fama mnla hcua gatia qrf joc
    tob cob cla can poc aor ong ngo onu un pnc anr dgm sms gps
"""

STOPWORDS: frozenset[str] = frozenset(
    re.sub("[^a-z]", "", word)
    for block in (_FRENCH, _ENGLISH, _SWAHILI, _LINGALA, _SANGO, _JUBA_ARABIC, _ACRONYMS)
    for word in block.split()
)
"""Every word above, as `compact` writes it."""
