// The English–French lexicon of the en-fr task (see enFr.ts for the grammar). Real words, with
// the French forms written out (gender, plurals, adjective agreement, verb forms) so that nothing
// depends on a guessed inflection rule.

/** Semantic tags, used only to keep sentences plausible (who can sign what). */
export type Tag =
  | 'person'
  | 'org'
  | 'doc'
  | 'signable'
  | 'media'
  | 'event'
  | 'vehicle'
  | 'building'
  | 'container'
  | 'object'
  | 'food'
  | 'place'
  | 'animal';

export type Gender = 'm' | 'f';
export type Plurality = 'sg' | 'pl';

export interface Noun {
  en: string;
  enPl: string;
  fr: string;
  frPl: string;
  gender: Gender;
  tags: readonly Tag[];
}

/** English adjective order classes (opinion < size < age < colour < origin < type). */
export type AdjectiveClass = 'quality' | 'size' | 'age' | 'colour' | 'origin' | 'type';
export const ADJECTIVE_CLASS_RANK: Readonly<Record<AdjectiveClass, number>> = {
  quality: 0,
  size: 1,
  age: 2,
  colour: 3,
  origin: 4,
  type: 5,
};

export interface Adjective {
  en: string;
  /** French forms: masculine singular, feminine singular, masculine plural, feminine plural. */
  fr: readonly [string, string, string, string];
  cls: AdjectiveClass;
  /** Placed before the noun in French (petit, grand, jeune, bon, nouveau). */
  pre: boolean;
  tags: readonly Tag[];
}

export interface Verb {
  /** English: base, third person singular, past, past participle. */
  en: readonly [string, string, string, string];
  /** French: third person singular present, third person plural present, past participle. */
  fr: readonly [string, string, string];
  /** Auxiliary of the passé composé. */
  aux: 'avoir' | 'être';
  subj: readonly Tag[];
  /** Direct-object tags; absent for intransitive verbs. */
  obj?: readonly Tag[];
}

/** A named institution or area: fixed English and French words with their alignment. */
export interface NamedEntity {
  en: readonly string[];
  /** French words, each with the indices of the English words it is sure-aligned to (and possible-only ones). */
  fr: ReadonlyArray<{ text: string; sure: readonly number[]; possible?: readonly number[] }>;
  gender: Gender;
  tags: readonly Tag[];
}

export interface Place {
  en: string;
  fr: string;
  kind: 'city' | 'country';
  /** Country gender (selects en/au and de/du). */
  gender?: Gender;
}

function regularEnPlural(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function regularFrPlural(word: string): string {
  if (/[sxz]$/.test(word)) return word;
  if (/(eau|eu)$/.test(word)) return `${word}x`;
  if (/al$/.test(word)) return `${word.slice(0, -2)}aux`;
  return `${word}s`;
}

function noun(en: string, fr: string, gender: Gender, tags: readonly Tag[], plurals: { en?: string; fr?: string } = {}): Noun {
  return { en, enPl: plurals.en ?? regularEnPlural(en), fr, frPl: plurals.fr ?? regularFrPlural(fr), gender, tags };
}

export const NOUNS: readonly Noun[] = [
  // people
  noun('man', 'homme', 'm', ['person'], { en: 'men' }),
  noun('woman', 'femme', 'f', ['person'], { en: 'women' }),
  noun('child', 'enfant', 'm', ['person'], { en: 'children' }),
  noun('president', 'président', 'm', ['person']),
  noun('minister', 'ministre', 'm', ['person']),
  noun('student', 'étudiant', 'm', ['person']),
  noun('teacher', 'professeur', 'm', ['person']),
  noun('doctor', 'médecin', 'm', ['person']),
  noun('worker', 'ouvrier', 'm', ['person']),
  noun('journalist', 'journaliste', 'm', ['person']),
  noun('farmer', 'agriculteur', 'm', ['person']),
  noun('girl', 'fille', 'f', ['person']),
  noun('boy', 'garçon', 'm', ['person']),
  noun('lawyer', 'avocat', 'm', ['person']),
  noun('judge', 'juge', 'm', ['person']),
  noun('engineer', 'ingénieur', 'm', ['person']),
  noun('neighbour', 'voisin', 'm', ['person']),
  noun('nurse', 'infirmière', 'f', ['person']),
  noun('queen', 'reine', 'f', ['person']),
  noun('king', 'roi', 'm', ['person']),
  noun('sister', 'sœur', 'f', ['person']),
  noun('brother', 'frère', 'm', ['person']),
  noun('mother', 'mère', 'f', ['person']),
  noun('father', 'père', 'm', ['person']),
  // organisations
  noun('government', 'gouvernement', 'm', ['org']),
  noun('commission', 'commission', 'f', ['org']),
  noun('committee', 'comité', 'm', ['org']),
  noun('company', 'entreprise', 'f', ['org']),
  noun('bank', 'banque', 'f', ['org', 'building']),
  noun('council', 'conseil', 'm', ['org']),
  noun('party', 'parti', 'm', ['org']),
  noun('association', 'association', 'f', ['org']),
  noun('university', 'université', 'f', ['org', 'building']),
  noun('team', 'équipe', 'f', ['org']),
  noun('army', 'armée', 'f', ['org']),
  noun('court', 'tribunal', 'm', ['org', 'building']),
  // documents and ideas
  noun('agreement', 'accord', 'm', ['doc', 'signable']),
  noun('law', 'loi', 'f', ['doc', 'signable']),
  noun('treaty', 'traité', 'm', ['doc', 'signable']),
  noun('contract', 'contrat', 'm', ['doc', 'signable']),
  noun('letter', 'lettre', 'f', ['doc', 'signable']),
  noun('document', 'document', 'm', ['doc', 'signable']),
  noun('decision', 'décision', 'f', ['doc', 'signable']),
  noun('report', 'rapport', 'm', ['doc']),
  noun('book', 'livre', 'm', ['doc', 'media']),
  noun('plan', 'plan', 'm', ['doc']),
  noun('project', 'projet', 'm', ['doc']),
  noun('proposal', 'proposition', 'f', ['doc']),
  noun('budget', 'budget', 'm', ['doc']),
  noun('programme', 'programme', 'm', ['doc']),
  noun('policy', 'politique', 'f', ['doc']),
  noun('rule', 'règle', 'f', ['doc']),
  noun('article', 'article', 'm', ['doc', 'media']),
  noun('newspaper', 'journal', 'm', ['doc', 'media']),
  noun('map', 'carte', 'f', ['doc', 'object']),
  noun('message', 'message', 'm', ['doc']),
  noun('question', 'question', 'f', ['doc']),
  noun('idea', 'idée', 'f', ['doc']),
  noun('reform', 'réforme', 'f', ['doc']),
  noun('list', 'liste', 'f', ['doc']),
  noun('story', 'histoire', 'f', ['doc', 'media']),
  noun('song', 'chanson', 'f', ['doc', 'media']),
  noun('film', 'film', 'm', ['doc', 'media']),
  noun('picture', 'image', 'f', ['doc', 'media', 'object']),
  // events
  noun('meeting', 'réunion', 'f', ['event']),
  noun('vote', 'vote', 'm', ['event']),
  noun('war', 'guerre', 'f', ['event']),
  noun('election', 'élection', 'f', ['event']),
  noun('crisis', 'crise', 'f', ['event'], { en: 'crises' }),
  noun('summit', 'sommet', 'm', ['event']),
  noun('concert', 'concert', 'm', ['event']),
  noun('storm', 'tempête', 'f', ['event']),
  // vehicles
  noun('car', 'voiture', 'f', ['vehicle']),
  noun('train', 'train', 'm', ['vehicle']),
  noun('boat', 'bateau', 'm', ['vehicle']),
  noun('plane', 'avion', 'm', ['vehicle']),
  noun('bicycle', 'vélo', 'm', ['vehicle']),
  noun('truck', 'camion', 'm', ['vehicle']),
  noun('bus', 'bus', 'm', ['vehicle']),
  // buildings and places
  noun('house', 'maison', 'f', ['building']),
  noun('bridge', 'pont', 'm', ['building']),
  noun('building', 'immeuble', 'm', ['building']),
  noun('factory', 'usine', 'f', ['building']),
  noun('hospital', 'hôpital', 'm', ['building']),
  noun('school', 'école', 'f', ['building']),
  noun('hotel', 'hôtel', 'm', ['building']),
  noun('church', 'église', 'f', ['building']),
  noun('museum', 'musée', 'm', ['building']),
  noun('station', 'gare', 'f', ['building']),
  noun('airport', 'aéroport', 'm', ['building', 'place']),
  noun('office', 'bureau', 'm', ['building']),
  noun('city', 'ville', 'f', ['place']),
  noun('village', 'village', 'm', ['place']),
  noun('country', 'pays', 'm', ['place']),
  noun('region', 'région', 'f', ['place']),
  noun('market', 'marché', 'm', ['place']),
  noun('garden', 'jardin', 'm', ['place']),
  noun('park', 'parc', 'm', ['place']),
  noun('island', 'île', 'f', ['place']),
  noun('street', 'rue', 'f', ['place']),
  noun('road', 'route', 'f', ['place']),
  noun('port', 'port', 'm', ['place']),
  // objects
  noun('door', 'porte', 'f', ['object', 'container']),
  noun('window', 'fenêtre', 'f', ['object', 'container']),
  noun('box', 'boîte', 'f', ['object', 'container']),
  noun('bottle', 'bouteille', 'f', ['object', 'container']),
  noun('machine', 'machine', 'f', ['object']),
  noun('computer', 'ordinateur', 'm', ['object']),
  noun('phone', 'téléphone', 'm', ['object']),
  noun('key', 'clé', 'f', ['object']),
  noun('table', 'table', 'f', ['object']),
  noun('chair', 'chaise', 'f', ['object']),
  noun('glass', 'verre', 'm', ['object']),
  // food
  noun('apple', 'pomme', 'f', ['food']),
  noun('bread', 'pain', 'm', ['food']),
  noun('cake', 'gâteau', 'm', ['food']),
  noun('cheese', 'fromage', 'm', ['food']),
  noun('egg', 'œuf', 'm', ['food']),
  noun('orange', 'orange', 'f', ['food']),
  noun('soup', 'soupe', 'f', ['food']),
  // animals
  noun('dog', 'chien', 'm', ['animal']),
  noun('cat', 'chat', 'm', ['animal']),
  noun('horse', 'cheval', 'm', ['animal']),
  noun('bird', 'oiseau', 'm', ['animal']),
  noun('cow', 'vache', 'f', ['animal']),
];

function adj(en: string, fr: readonly [string, string, string, string], cls: AdjectiveClass, tags: readonly Tag[], pre = false): Adjective {
  return { en, fr, cls, pre, tags };
}
/** Regular French adjective: +e, +s, +es (or unchanged -e / -s endings). */
function reg(ms: string): [string, string, string, string] {
  const fs = ms.endsWith('e') ? ms : `${ms}e`;
  const mp = ms.endsWith('s') ? ms : `${ms}s`;
  return [ms, fs, mp, `${fs}s`];
}

const CONCRETE: readonly Tag[] = ['vehicle', 'building', 'object', 'container', 'animal', 'food'];

export const ADJECTIVES: readonly Adjective[] = [
  // quality (opinion)
  adj('important', reg('important'), 'quality', ['doc', 'person', 'org', 'event', 'place', 'building']),
  adj('difficult', reg('difficile'), 'quality', ['doc', 'event']),
  adj('simple', reg('simple'), 'quality', ['doc', 'object']),
  adj('modern', reg('moderne'), 'quality', ['building', 'vehicle', 'object', 'place']),
  adj('expensive', ['cher', 'chère', 'chers', 'chères'], 'quality', ['vehicle', 'building', 'object', 'food']),
  adj('famous', reg('célèbre'), 'quality', ['person', 'place', 'building', 'media']),
  adj('happy', ['heureux', 'heureuse', 'heureux', 'heureuses'], 'quality', ['person', 'animal']),
  adj('tired', reg('fatigué'), 'quality', ['person', 'animal']),
  adj('useful', reg('utile'), 'quality', ['object', 'doc', 'vehicle']),
  adj('dangerous', ['dangereux', 'dangereuse', 'dangereux', 'dangereuses'], 'quality', ['animal', 'vehicle', 'place', 'object', 'event']),
  adj('rich', reg('riche'), 'quality', ['person', 'place', 'org']),
  adj('poor', reg('pauvre'), 'quality', ['person', 'place']),
  adj('heavy', reg('lourd'), 'quality', ['object', 'vehicle', 'container']),
  adj('strong', reg('fort'), 'quality', ['person', 'animal', 'org']),
  adj('empty', reg('vide'), 'quality', ['container', 'building', 'vehicle']),
  adj('cold', reg('froid'), 'quality', ['food', 'building']),
  adj('hot', reg('chaud'), 'quality', ['food']),
  adj('good', ['bon', 'bonne', 'bons', 'bonnes'], 'quality', ['person', 'doc', 'food', 'media', 'vehicle'], true),
  // size
  adj('small', reg('petit'), 'size', [...CONCRETE, 'place', 'person', 'org'], true),
  adj('big', reg('grand'), 'size', [...CONCRETE, 'place', 'org'], true),
  // age
  adj('young', reg('jeune'), 'age', ['person', 'animal'], true),
  adj('new', ['nouveau', 'nouvelle', 'nouveaux', 'nouvelles'], 'age', ['doc', 'vehicle', 'building', 'object', 'org', 'person'], true),
  // colour
  adj('red', reg('rouge'), 'colour', ['vehicle', 'building', 'object', 'container', 'food', 'media']),
  adj('blue', reg('bleu'), 'colour', ['vehicle', 'building', 'object', 'container']),
  adj('green', reg('vert'), 'colour', ['vehicle', 'building', 'object', 'container', 'food']),
  adj('black', reg('noir'), 'colour', ['vehicle', 'object', 'container', 'animal']),
  adj('white', ['blanc', 'blanche', 'blancs', 'blanches'], 'colour', ['vehicle', 'building', 'object', 'container', 'animal']),
  adj('yellow', reg('jaune'), 'colour', ['vehicle', 'building', 'object', 'container', 'food']),
  adj('grey', ['gris', 'grise', 'gris', 'grises'], 'colour', ['vehicle', 'building', 'object', 'animal']),
  // origin (capitalised in English, lower case in French)
  adj('European', ['européen', 'européenne', 'européens', 'européennes'], 'origin', ['org', 'doc', 'person', 'event', 'place']),
  adj('French', ['français', 'française', 'français', 'françaises'], 'origin', ['person', 'org', 'vehicle', 'food', 'doc', 'media']),
  adj('German', reg('allemand'), 'origin', ['person', 'org', 'vehicle', 'food', 'doc', 'media']),
  adj('Italian', ['italien', 'italienne', 'italiens', 'italiennes'], 'origin', ['person', 'org', 'vehicle', 'food', 'media']),
  adj('Spanish', reg('espagnol'), 'origin', ['person', 'org', 'food', 'media']),
  adj('British', reg('britannique'), 'origin', ['person', 'org', 'vehicle', 'doc']),
  adj('American', reg('américain'), 'origin', ['person', 'org', 'vehicle', 'media']),
  adj('Japanese', ['japonais', 'japonaise', 'japonais', 'japonaises'], 'origin', ['person', 'org', 'vehicle', 'object']),
  adj('Chinese', ['chinois', 'chinoise', 'chinois', 'chinoises'], 'origin', ['person', 'org', 'object', 'food']),
  adj('Canadian', ['canadien', 'canadienne', 'canadiens', 'canadiennes'], 'origin', ['person', 'org', 'doc']),
  // type (relational)
  adj('economic', reg('économique'), 'type', ['doc', 'event', 'place']),
  adj('political', reg('politique'), 'type', ['doc', 'event', 'org']),
  adj('social', ['social', 'sociale', 'sociaux', 'sociales'], 'type', ['doc', 'event']),
  adj('financial', ['financier', 'financière', 'financiers', 'financières'], 'type', ['doc', 'event', 'org']),
  adj('public', ['public', 'publique', 'publics', 'publiques'], 'type', ['building', 'doc', 'place', 'event']),
  adj('central', ['central', 'centrale', 'centraux', 'centrales'], 'type', ['org', 'place', 'building']),
  adj('national', ['national', 'nationale', 'nationaux', 'nationales'], 'type', ['org', 'doc', 'building', 'event']),
  adj('international', ['international', 'internationale', 'internationaux', 'internationales'], 'type', ['org', 'doc', 'event', 'building']),
  adj('commercial', ['commercial', 'commerciale', 'commerciaux', 'commerciales'], 'type', ['building', 'doc', 'vehicle']),
  adj('military', reg('militaire'), 'type', ['vehicle', 'building', 'org', 'doc']),
  adj('industrial', ['industriel', 'industrielle', 'industriels', 'industrielles'], 'type', ['building', 'place', 'doc', 'vehicle']),
  adj('cultural', ['culturel', 'culturelle', 'culturels', 'culturelles'], 'type', ['doc', 'event', 'building', 'org']),
  adj('agricultural', reg('agricole'), 'type', ['doc', 'place', 'vehicle']),
];

const AGENT: readonly Tag[] = ['person', 'org'];
const ALL_THINGS: readonly Tag[] = ['person', 'animal', 'vehicle', 'building', 'object', 'container', 'doc', 'food', 'place'];

function verb(en: [string, string, string, string], fr: [string, string, string], subj: readonly Tag[], obj?: readonly Tag[]): Verb {
  return obj === undefined ? { en, fr, aux: 'avoir', subj } : { en, fr, aux: 'avoir', subj, obj };
}
function regEn(base: string): [string, string, string, string] {
  const s3 = regularEnPlural(base);
  const past = base.endsWith('e') ? `${base}d` : /[^aeiou]y$/.test(base) ? `${base.slice(0, -1)}ied` : `${base}ed`;
  return [base, s3, past, past];
}

export const TRANSITIVE_VERBS: readonly Verb[] = [
  verb(['see', 'sees', 'saw', 'seen'], ['voit', 'voient', 'vu'], ['person', 'animal'], ALL_THINGS),
  verb(regEn('sign'), ['signe', 'signent', 'signé'], AGENT, ['signable']),
  verb(regEn('accept'), ['accepte', 'acceptent', 'accepté'], AGENT, ['doc']),
  verb(regEn('reject'), ['rejette', 'rejettent', 'rejeté'], AGENT, ['doc']),
  verb(regEn('approve'), ['approuve', 'approuvent', 'approuvé'], AGENT, ['doc']),
  verb(regEn('like'), ['aime', 'aiment', 'aimé'], ['person', 'animal'], ['person', 'animal', 'food', 'media', 'vehicle', 'place']),
  verb(['find', 'finds', 'found', 'found'], ['trouve', 'trouvent', 'trouvé'], ['person', 'animal'], ['object', 'doc', 'animal', 'person', 'food']),
  verb(['take', 'takes', 'took', 'taken'], ['prend', 'prennent', 'pris'], ['person'], ['object', 'doc', 'vehicle', 'food']),
  verb(['build', 'builds', 'built', 'built'], ['construit', 'construisent', 'construit'], AGENT, ['building', 'vehicle', 'object']),
  verb(['write', 'writes', 'wrote', 'written'], ['écrit', 'écrivent', 'écrit'], ['person'], ['doc']),
  verb(regEn('open'), ['ouvre', 'ouvrent', 'ouvert'], AGENT, ['container', 'building']),
  verb(regEn('close'), ['ferme', 'ferment', 'fermé'], AGENT, ['container', 'building']),
  verb(['sell', 'sells', 'sold', 'sold'], ['vend', 'vendent', 'vendu'], AGENT, ['object', 'vehicle', 'building', 'food', 'animal']),
  verb(['buy', 'buys', 'bought', 'bought'], ['achète', 'achètent', 'acheté'], AGENT, ['object', 'vehicle', 'building', 'food', 'animal']),
  verb(regEn('change'), ['modifie', 'modifient', 'modifié'], AGENT, ['doc']),
  verb(regEn('present'), ['présente', 'présentent', 'présenté'], AGENT, ['doc']),
  verb(regEn('study'), ['étudie', 'étudient', 'étudié'], AGENT, ['doc', 'animal', 'place']),
  verb(regEn('prepare'), ['prépare', 'préparent', 'préparé'], AGENT, ['doc', 'food']),
  verb(['publish', 'publishes', 'published', 'published'], ['publie', 'publient', 'publié'], AGENT, ['doc']),
  verb(regEn('visit'), ['visite', 'visitent', 'visité'], ['person'], ['building', 'place']),
  verb(regEn('describe'), ['décrit', 'décrivent', 'décrit'], ['person'], ALL_THINGS),
  verb(['choose', 'chooses', 'chose', 'chosen'], ['choisit', 'choisissent', 'choisi'], AGENT, ['object', 'vehicle', 'doc', 'food', 'person']),
  verb(['lose', 'loses', 'lost', 'lost'], ['perd', 'perdent', 'perdu'], AGENT, ['object', 'doc', 'animal']),
  verb(regEn('receive'), ['reçoit', 'reçoivent', 'reçu'], AGENT, ['doc', 'object']),
  verb(['send', 'sends', 'sent', 'sent'], ['envoie', 'envoient', 'envoyé'], AGENT, ['doc', 'object']),
  verb(['know', 'knows', 'knew', 'known'], ['connaît', 'connaissent', 'connu'], ['person'], ['person', 'place', 'doc']),
  verb(['understand', 'understands', 'understood', 'understood'], ['comprend', 'comprennent', 'compris'], ['person'], ['doc', 'person']),
  verb(regEn('follow'), ['suit', 'suivent', 'suivi'], ['person', 'animal'], ['person', 'animal', 'vehicle', 'doc']),
  verb(regEn('help'), ['aide', 'aident', 'aidé'], AGENT, ['person', 'org']),
  verb(regEn('protect'), ['protège', 'protègent', 'protégé'], AGENT, ['person', 'animal', 'building', 'place', 'org']),
  verb(regEn('support'), ['soutient', 'soutiennent', 'soutenu'], AGENT, ['person', 'org', 'doc']),
  verb(regEn('examine'), ['examine', 'examinent', 'examiné'], AGENT, ['doc', 'object', 'person', 'animal']),
  verb(regEn('use'), ['utilise', 'utilisent', 'utilisé'], AGENT, ['object', 'vehicle', 'doc']),
  verb(['watch', 'watches', 'watched', 'watched'], ['regarde', 'regardent', 'regardé'], ['person', 'animal'], ['person', 'animal', 'vehicle', 'media']),
  verb(regEn('repair'), ['répare', 'réparent', 'réparé'], ['person'], ['vehicle', 'object', 'building']),
  verb(['drive', 'drives', 'drove', 'driven'], ['conduit', 'conduisent', 'conduit'], ['person'], ['vehicle']),
  verb(['eat', 'eats', 'ate', 'eaten'], ['mange', 'mangent', 'mangé'], ['person', 'animal'], ['food']),
  verb(regEn('finance'), ['finance', 'financent', 'financé'], AGENT, ['building', 'doc', 'org']),
  verb(regEn('announce'), ['annonce', 'annoncent', 'annoncé'], AGENT, ['doc', 'event']),
  verb(regEn('defend'), ['défend', 'défendent', 'défendu'], AGENT, ['person', 'doc', 'place', 'org']),
];

function intransitive(en: [string, string, string, string], fr: [string, string, string], aux: 'avoir' | 'être', subj: readonly Tag[]): Verb {
  return { en, fr, aux, subj };
}

export const INTRANSITIVE_VERBS: readonly Verb[] = [
  intransitive(regEn('arrive'), ['arrive', 'arrivent', 'arrivé'], 'être', ['person', 'vehicle', 'animal']),
  intransitive(['leave', 'leaves', 'left', 'left'], ['part', 'partent', 'parti'], 'être', ['person', 'vehicle', 'animal']),
  intransitive(['come', 'comes', 'came', 'come'], ['vient', 'viennent', 'venu'], 'être', ['person', 'animal']),
  intransitive(['fall', 'falls', 'fell', 'fallen'], ['tombe', 'tombent', 'tombé'], 'être', ['person', 'object', 'container']),
  intransitive(regEn('stay'), ['reste', 'restent', 'resté'], 'être', ['person', 'animal']),
  intransitive(['sleep', 'sleeps', 'slept', 'slept'], ['dort', 'dorment', 'dormi'], 'avoir', ['person', 'animal']),
  intransitive(regEn('work'), ['travaille', 'travaillent', 'travaillé'], 'avoir', ['person']),
  intransitive(regEn('wait'), ['attend', 'attendent', 'attendu'], 'avoir', ['person', 'animal']),
  intransitive(regEn('laugh'), ['rit', 'rient', 'ri'], 'avoir', ['person']),
  intransitive(['speak', 'speaks', 'spoke', 'spoken'], ['parle', 'parlent', 'parlé'], 'avoir', ['person']),
  intransitive(regEn('live'), ['vit', 'vivent', 'vécu'], 'avoir', ['person', 'animal']),
];

/** Institutions that are not built from the parts below (irregular French or a fixed name). */
const FIXED_ENTITIES: readonly NamedEntity[] = [
  {
    en: ['European', 'Commission'],
    fr: [
      { text: 'commission', sure: [1] },
      { text: 'européenne', sure: [0] },
    ],
    gender: 'f',
    tags: ['org'],
  },
  {
    en: ['European', 'Parliament'],
    fr: [
      { text: 'parlement', sure: [1] },
      { text: 'européen', sure: [0] },
    ],
    gender: 'm',
    tags: ['org'],
  },
  {
    en: ['National', 'Assembly'],
    fr: [
      { text: 'assemblée', sure: [1] },
      { text: 'nationale', sure: [0] },
    ],
    gender: 'f',
    tags: ['org'],
  },
  {
    en: ['World', 'Bank'],
    fr: [
      { text: 'banque', sure: [1] },
      { text: 'mondiale', sure: [0] },
    ],
    gender: 'f',
    tags: ['org'],
  },
  {
    en: ['Security', 'Council'],
    fr: [
      { text: 'conseil', sure: [1] },
      { text: 'de', sure: [], possible: [0] },
      { text: 'sécurité', sure: [0] },
    ],
    gender: 'm',
    tags: ['org'],
  },
];

/**
 * Institutions composed from parts, so that their alignment must be learned word by word rather
 * than memorised as a chunk: [origin] [type] HEAD → HEAD type origin, with agreement
 * ("the European Economic Area" → "la zone économique européenne", the paper's figure 3;
 * "the African Monetary Fund" → "le fonds monétaire africain"). Each English name still has one
 * French translation.
 */
const ENTITY_ORIGINS: ReadonlyArray<readonly [string, string, string]> = [
  ['European', 'européen', 'européenne'],
  ['African', 'africain', 'africaine'],
  ['Asian', 'asiatique', 'asiatique'],
  ['Nordic', 'nordique', 'nordique'],
  ['Atlantic', 'atlantique', 'atlantique'],
  ['International', 'international', 'internationale'],
  ['National', 'national', 'nationale'],
];
const ENTITY_TYPES: ReadonlyArray<readonly [string, string, string]> = [
  ['Economic', 'économique', 'économique'],
  ['Monetary', 'monétaire', 'monétaire'],
  ['Central', 'central', 'centrale'],
  ['Political', 'politique', 'politique'],
  ['Social', 'social', 'sociale'],
  ['Scientific', 'scientifique', 'scientifique'],
];
const ENTITY_HEADS: ReadonlyArray<{ en: string; fr: string; gender: Gender; tags: readonly Tag[] }> = [
  { en: 'Area', fr: 'zone', gender: 'f', tags: ['place'] },
  { en: 'Community', fr: 'communauté', gender: 'f', tags: ['org'] },
  { en: 'Bank', fr: 'banque', gender: 'f', tags: ['org'] },
  { en: 'Union', fr: 'union', gender: 'f', tags: ['org'] },
  { en: 'Council', fr: 'conseil', gender: 'm', tags: ['org'] },
  { en: 'Fund', fr: 'fonds', gender: 'm', tags: ['org'] },
  { en: 'Agency', fr: 'agence', gender: 'f', tags: ['org'] },
  { en: 'Committee', fr: 'comité', gender: 'm', tags: ['org'] },
];

function composedEntities(): NamedEntity[] {
  const out: NamedEntity[] = [];
  const form = (a: readonly [string, string, string], g: Gender): string => (g === 'm' ? a[1] : a[2]);
  for (const head of ENTITY_HEADS) {
    for (const origin of ENTITY_ORIGINS) {
      // ORIGIN HEAD → HEAD origin
      out.push({ en: [origin[0], head.en], fr: [{ text: head.fr, sure: [1] }, { text: form(origin, head.gender), sure: [0] }], gender: head.gender, tags: head.tags });
      for (const type of ENTITY_TYPES) {
        // ORIGIN TYPE HEAD → HEAD type origin (the mirror of figure 3)
        out.push({
          en: [origin[0], type[0], head.en],
          fr: [
            { text: head.fr, sure: [2] },
            { text: form(type, head.gender), sure: [1] },
            { text: form(origin, head.gender), sure: [0] },
          ],
          gender: head.gender,
          tags: head.tags,
        });
      }
    }
  }
  return out;
}

export const NAMED_ENTITIES: readonly NamedEntity[] = (() => {
  const seen = new Set<string>();
  const all: NamedEntity[] = [];
  for (const e of [...FIXED_ENTITIES, ...composedEntities()]) {
    const key = e.en.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(e);
  }
  return all;
})();

export const PLACES: readonly Place[] = [
  { en: 'Paris', fr: 'Paris', kind: 'city' },
  { en: 'London', fr: 'Londres', kind: 'city' },
  { en: 'Rome', fr: 'Rome', kind: 'city' },
  { en: 'Berlin', fr: 'Berlin', kind: 'city' },
  { en: 'Brussels', fr: 'Bruxelles', kind: 'city' },
  { en: 'Madrid', fr: 'Madrid', kind: 'city' },
  { en: 'Geneva', fr: 'Genève', kind: 'city' },
  { en: 'Lisbon', fr: 'Lisbonne', kind: 'city' },
  { en: 'Vienna', fr: 'Vienne', kind: 'city' },
  { en: 'Amsterdam', fr: 'Amsterdam', kind: 'city' },
  { en: 'Athens', fr: 'Athènes', kind: 'city' },
  { en: 'Tokyo', fr: 'Tokyo', kind: 'city' },
  { en: 'France', fr: 'France', kind: 'country', gender: 'f' },
  { en: 'Germany', fr: 'Allemagne', kind: 'country', gender: 'f' },
  { en: 'Italy', fr: 'Italie', kind: 'country', gender: 'f' },
  { en: 'Spain', fr: 'Espagne', kind: 'country', gender: 'f' },
  { en: 'Belgium', fr: 'Belgique', kind: 'country', gender: 'f' },
  { en: 'China', fr: 'Chine', kind: 'country', gender: 'f' },
  { en: 'Japan', fr: 'Japon', kind: 'country', gender: 'm' },
  { en: 'Canada', fr: 'Canada', kind: 'country', gender: 'm' },
  { en: 'Portugal', fr: 'Portugal', kind: 'country', gender: 'm' },
  { en: 'Brazil', fr: 'Brésil', kind: 'country', gender: 'm' },
  { en: 'Denmark', fr: 'Danemark', kind: 'country', gender: 'm' },
  { en: 'Mexico', fr: 'Mexique', kind: 'country', gender: 'm' },
];

export const MONTHS: ReadonlyArray<{ en: string; fr: string; days: number }> = [
  { en: 'January', fr: 'janvier', days: 31 },
  { en: 'February', fr: 'février', days: 28 },
  { en: 'March', fr: 'mars', days: 31 },
  { en: 'April', fr: 'avril', days: 30 },
  { en: 'May', fr: 'mai', days: 31 },
  { en: 'June', fr: 'juin', days: 30 },
  { en: 'July', fr: 'juillet', days: 31 },
  { en: 'August', fr: 'août', days: 31 },
  { en: 'September', fr: 'septembre', days: 30 },
  { en: 'October', fr: 'octobre', days: 31 },
  { en: 'November', fr: 'novembre', days: 30 },
  { en: 'December', fr: 'décembre', days: 31 },
];

/** Number words 1–20; French compounds are split as the tokenizer splits them ("dix - sept"). */
export const NUMBERS: ReadonlyArray<{ en: string; fr: readonly string[] }> = [
  { en: 'one', fr: ['un'] },
  { en: 'two', fr: ['deux'] },
  { en: 'three', fr: ['trois'] },
  { en: 'four', fr: ['quatre'] },
  { en: 'five', fr: ['cinq'] },
  { en: 'six', fr: ['six'] },
  { en: 'seven', fr: ['sept'] },
  { en: 'eight', fr: ['huit'] },
  { en: 'nine', fr: ['neuf'] },
  { en: 'ten', fr: ['dix'] },
  { en: 'eleven', fr: ['onze'] },
  { en: 'twelve', fr: ['douze'] },
  { en: 'thirteen', fr: ['treize'] },
  { en: 'fourteen', fr: ['quatorze'] },
  { en: 'fifteen', fr: ['quinze'] },
  { en: 'sixteen', fr: ['seize'] },
  { en: 'seventeen', fr: ['dix', '-', 'sept'] },
  { en: 'eighteen', fr: ['dix', '-', 'huit'] },
  { en: 'nineteen', fr: ['dix', '-', 'neuf'] },
  { en: 'twenty', fr: ['vingt'] },
];

export type Adverb = 'often' | 'always' | 'also';
export const ADVERBS: Readonly<Record<Adverb, string>> = { often: 'souvent', always: 'toujours', also: 'aussi' };

/** Simple prepositions (with a common-noun object) and their French counterparts. */
export type Preposition = 'of' | 'on' | 'for' | 'with' | 'in' | 'to' | 'from' | 'by' | 'after' | 'before';
export const PREPOSITIONS: Readonly<Record<Preposition, string>> = {
  of: 'de',
  on: 'sur',
  for: 'pour',
  with: 'avec',
  in: 'dans',
  to: 'à',
  from: 'de',
  by: 'par',
  after: 'après',
  before: 'avant',
};

export type Conjunction = 'and' | 'but' | 'because' | 'while';
export const CONJUNCTIONS: Readonly<Record<Conjunction, readonly string[]>> = {
  and: ['et'],
  but: ['mais'],
  because: ['parce', 'que'],
  while: ['pendant', 'que'],
};

/** Years used in dates ("in August 1992"). */
export const FIRST_YEAR = 1960;
export const LAST_YEAR = 2029;
