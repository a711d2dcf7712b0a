// English → French: a small grammar with real words and the reorderings that made the
// RNNsearch alignment figures interesting. The sampler draws a sentence structure (an AST), and
// one renderer writes both languages from it, with gold alignment links, so that the French is a
// function of the English: one English sentence never gets two translations.
//
// THE GRAMMAR (English side; French rules in brackets)
//
//   Sentence   → Clause (Conj Clause)* "."
//   Conj       → and [et] | but [mais] | because [parce que] | while [pendant que]
//   Clause     → Subject VerbPhrase Modifier*
//   Subject    → NounPhrase | NamedEntity | he [il] | she [elle] | they [ils]
//   NounPhrase → Det Count? Adj{0,2} Noun PrepPhrase? RelClause?
//   Det        → the [le/la/l'/les] | a/an [un/une] | this/these [ce/cet/cette/ces]
//              | his, her [son/sa/ses] | their [leur/leurs] | some [des, or de before a pre-noun
//                adjective] | (none, with a count)
//   Count      → one … twenty [un/une, deux, …, dix - sept, …, vingt]
//   VerbPhrase → Active | Intransitive | Passive | Copula, in the present or the past, positive,
//                negated ("not") or with "never", optionally with often/always/also
//   Modifier   → PrepPhrase | in/to/from Place | Time
//   Time       → in August 1992 [en août 1992] | in 1992 | in August | on 21 August 1992
//                [le 21 août 1992; "1" → 1er] | before/after (Month) Year [avant/après …]
//   RelClause  → who/that/which VerbPhrase [qui …] | that/which Subject Verb [que …]
//
// FRENCH PHENOMENA, with examples
// - Adjectives follow the noun: "the red car" → "la voiture rouge"; two of them mirror:
//   "the European Economic Area" → "la zone économique européenne". Five (petit, grand, jeune,
//   bon, nouveau) precede it: "a new red car" → "une nouvelle voiture rouge", "a new agreement"
//   → "un nouvel accord", "some small cars" → "de petites voitures".
// - Gender and number agreement of articles, adjectives and participles: "the laws were signed"
//   → "les lois ont été signées"; "the cars are not expensive" → "les voitures ne sont pas chères".
// - Elision and contraction: le/la → l', de → d', ne → n', que → qu', ce → cet, sa → son before
//   a vowel; de le → du, de les → des, à le → au, à les → aux: "of the agreement" → "de l' accord",
//   "of the committee" → "du comité", "to the president" → "au président", "from Japan" → "du Japon".
// - Negation around the verb: "does not see" → "ne voit pas"; "did not see" → "n' a pas vu";
//   "was not signed" → "n' a pas été signé"; "never" → "ne … jamais".
// - Tense: present, and the passé composé for the English simple past ("saw" → "a vu"), with
//   être for movement verbs and agreement with the subject ("she arrived" → "elle est arrivée").
// - Passive: "was signed" → "a été signé"; "is signed" → "est signé"; "by" → "par".
// - Object pronouns move before the verb, and a preceding direct object makes the participle
//   agree: "he saw her" → "il l' a vue"; "the letter that he wrote" → "la lettre qu' il a écrite".
// - Adverbs follow the finite verb: "he often sees the dog" → "il voit souvent le chien";
//   "the law was also signed" → "la loi a aussi été signée".
// - Places and dates: "in Paris" → "à Paris", "in France" → "en France", "in Japan" → "au Japon";
//   "in August 1992" → "en août 1992". Proper nouns keep their capital; everything else in the
//   French is lower case. English keeps its own capitals (European, Economic, August, Paris) but
//   no sentence-initial capital; both sides end with " .".
//
// GOLD ALIGNMENT (target token → source tokens; "possible" ⊇ "sure")
// Articles ↔ "the" (sure); du/des/au/aux ↔ the preposition (sure) and "the" (possible); nouns,
// adjectives, adverbs, numbers, months, years, places ↔ their counterparts (sure; "dix - sept"
// ↔ "seventeen" all three); ne/pas ↔ "not" (sure) and do/does/did/is/was (possible);
// ne/jamais ↔ "never" (sure); the passé composé auxiliary a/ont/est/sont ↔ the English past verb
// (possible) or "did" (sure); "a été" ↔ "was": a (possible), été (sure); est/sont/était ↔ is/was
// (sure); qui/que ↔ who/that/which; parce que ↔ because; "." ↔ ".".
//
// Ambiguity is avoided on purpose: "they" is always "ils" and "them" is "les" with masculine
// agreement; relative clauses only attach to a noun phrase without a prepositional phrase (so the
// antecedent, and hence the agreement, is never in doubt); "read", "that" as a demonstrative and
// noun/verb homographs are left out.

import type { Rng } from '../../tensor/random';
import { MAX_TOKENS_PER_SIDE } from '../limits';
import {
  ADJECTIVES,
  ADJECTIVE_CLASS_RANK,
  ADVERBS,
  CONJUNCTIONS,
  FIRST_YEAR,
  INTRANSITIVE_VERBS,
  LAST_YEAR,
  MONTHS,
  NAMED_ENTITIES,
  NOUNS,
  NUMBERS,
  PLACES,
  PREPOSITIONS,
  TRANSITIVE_VERBS,
  type Adjective,
  type Adverb,
  type Conjunction,
  type Gender,
  type NamedEntity,
  type Noun,
  type Place,
  type Plurality,
  type Preposition,
  type Tag,
  type Verb,
} from './enFrLexicon';
import { checkSampleOptions, SampleError, type CuratedExample, type Example, type Link, type SampleOptions, type Task } from './types';

// ---------------------------------------------------------------------------------------------
// The sentence structure

export type Determiner = 'the' | 'a' | 'this' | 'his' | 'her' | 'their' | 'some' | 'none';
export type Tense = 'present' | 'past';
export type Polarity = 'positive' | 'negative' | 'never';

export interface NounPhrase {
  kind: 'np';
  det: Determiner;
  /** 1–20; 1 only with det 'none' ("one car"), 2–20 with plural nouns. */
  count?: number;
  /** In English order (by ADJECTIVE_CLASS_RANK); at most one French pre-noun adjective. */
  adjectives: Adjective[];
  noun: Noun;
  number: Plurality;
  pp?: PrepPhrase;
  rel?: RelativeClause;
}
export interface NamedPhrase {
  kind: 'named';
  entity: NamedEntity;
}
export interface SubjectPronoun {
  kind: 'pronoun';
  which: 'he' | 'she' | 'they';
}
export interface ObjectPronoun {
  kind: 'object-pronoun';
  which: 'him' | 'her' | 'them';
}
export type Subject = NounPhrase | NamedPhrase | SubjectPronoun;
export type ObjectPhrase = NounPhrase | NamedPhrase | ObjectPronoun;

export interface PrepPhrase {
  kind: 'pp';
  prep: Preposition;
  object: NounPhrase | NamedPhrase;
}
export interface PlacePhrase {
  kind: 'place';
  prep: 'in' | 'to' | 'from';
  place: Place;
}
export interface TimePhrase {
  kind: 'time';
  prep: 'in' | 'on' | 'before' | 'after';
  day?: number;
  /** 1–12. */
  month?: number;
  year?: number;
}
export type Modifier = PrepPhrase | PlacePhrase | TimePhrase;

interface VerbFeatures {
  tense: Tense;
  polarity: Polarity;
  /** Only with positive polarity. */
  adverb?: Adverb;
}
export interface ActivePhrase extends VerbFeatures {
  kind: 'active';
  verb: Verb;
  /** Required for transitive verbs, absent for intransitive ones. */
  object?: ObjectPhrase;
}
export interface PassivePhrase extends VerbFeatures {
  kind: 'passive';
  verb: Verb;
  agent?: NounPhrase | NamedPhrase;
}
export interface CopulaPhrase extends VerbFeatures {
  kind: 'copula';
  adjective: Adjective;
}
export type VerbPhrase = ActivePhrase | PassivePhrase | CopulaPhrase;

export interface SubjectRelative {
  kind: 'subject-relative';
  pronoun: 'who' | 'that' | 'which';
  vp: VerbPhrase;
}
export interface ObjectRelative extends VerbFeatures {
  kind: 'object-relative';
  pronoun: 'that' | 'which';
  subject: Subject;
  verb: Verb;
}
export type RelativeClause = SubjectRelative | ObjectRelative;

export interface Clause {
  subject: Subject;
  vp: VerbPhrase;
  modifiers: Modifier[];
}
export interface EnFrSentence {
  clauses: Clause[];
  /** One fewer than clauses. */
  conjunctions: Conjunction[];
}

// ---------------------------------------------------------------------------------------------
// Rendering both languages with alignment

interface EnToken {
  text: string;
}
type FrRole = 'def' | 'clitic' | 'de' | 'a' | 'ne' | 'que' | 'poss-f' | 'dem-m' | 'nouveau' | 'des';
interface FrToken {
  text: string;
  sure: EnToken[];
  possible: EnToken[];
  role?: FrRole;
  preAdjective?: boolean;
}
interface Piece {
  en: EnToken[];
  fr: FrToken[];
}
interface Agreement {
  gender: Gender;
  number: Plurality;
}

const en = (text: string): EnToken => ({ text });
function fr(text: string, sure: EnToken[] = [], possible: EnToken[] = [], role?: FrRole): FrToken {
  return role === undefined ? { text, sure, possible } : { text, sure, possible, role };
}
const emptyPiece = (): Piece => ({ en: [], fr: [] });
function append(into: Piece, piece: Piece): Piece {
  into.en.push(...piece.en);
  into.fr.push(...piece.fr);
  return into;
}

function formIndex(agr: Agreement): 0 | 1 | 2 | 3 {
  return ((agr.number === 'pl' ? 2 : 0) + (agr.gender === 'f' ? 1 : 0)) as 0 | 1 | 2 | 3;
}

/** French past participle agreeing in gender and number (pris → prise, pris, prises). */
function agreeParticiple(participle: string, agr: Agreement): string {
  const f = agr.gender === 'f';
  if (agr.number === 'sg') return f ? `${participle}e` : participle;
  if (f) return `${participle}es`;
  return participle.endsWith('s') ? participle : `${participle}s`;
}

const MS: Agreement = { gender: 'm', number: 'sg' };

function nounAgreement(phrase: NounPhrase | NamedPhrase): Agreement {
  return phrase.kind === 'named' ? { gender: phrase.entity.gender, number: 'sg' } : { gender: phrase.noun.gender, number: phrase.number };
}

function subjectAgreement(subject: Subject): Agreement {
  if (subject.kind === 'pronoun') {
    return subject.which === 'he' ? MS : subject.which === 'she' ? { gender: 'f', number: 'sg' } : { gender: 'm', number: 'pl' };
  }
  return nounAgreement(subject);
}

function renderNamed(phrase: NamedPhrase): Piece {
  const the = en('the');
  const words = phrase.entity.en.map(en);
  const article = fr(phrase.entity.gender === 'm' ? 'le' : 'la', [the], [], 'def');
  const frWords = phrase.entity.fr.map((w) =>
    fr(
      w.text,
      w.sure.map((k) => words[k] as EnToken),
      (w.possible ?? []).map((k) => words[k] as EnToken),
    ),
  );
  return { en: [the, ...words], fr: [article, ...frWords] };
}

function renderDeterminer(np: NounPhrase, agr: Agreement): Piece {
  const piece = emptyPiece();
  const pl = agr.number === 'pl';
  const m = agr.gender === 'm';
  const push = (enText: string, frText: string, role?: FrRole): void => {
    const t = en(enText);
    piece.en.push(t);
    piece.fr.push(fr(frText, [t], [], role));
  };
  switch (np.det) {
    case 'the':
      push('the', pl ? 'les' : m ? 'le' : 'la', 'def');
      break;
    case 'a':
      push('a', m ? 'un' : 'une');
      break;
    case 'this':
      push(pl ? 'these' : 'this', pl ? 'ces' : m ? 'ce' : 'cette', !pl && m ? 'dem-m' : undefined);
      break;
    case 'his':
    case 'her':
      push(np.det, pl ? 'ses' : m ? 'son' : 'sa', !pl && !m ? 'poss-f' : undefined);
      break;
    case 'their':
      push('their', pl ? 'leurs' : 'leur');
      break;
    case 'some':
      push('some', 'des', 'des');
      break;
    case 'none':
      break;
  }
  if (np.count !== undefined) {
    const number = NUMBERS[np.count - 1] as { en: string; fr: readonly string[] };
    const t = en(number.en);
    piece.en.push(t);
    const frWords = np.count === 1 ? [m ? 'un' : 'une'] : number.fr;
    for (const w of frWords) piece.fr.push(fr(w, [t]));
  }
  return piece;
}

function renderNounPhrase(np: NounPhrase): Piece {
  const agr = nounAgreement(np);
  const piece = renderDeterminer(np, agr);
  const adjTokens = np.adjectives.map((a) => en(a.en));
  const nounToken = en(np.number === 'sg' ? np.noun.en : np.noun.enPl);
  piece.en.push(...adjTokens, nounToken);
  np.adjectives.forEach((a, k) => {
    if (!a.pre) return;
    const form = a.fr[formIndex(agr)];
    const tok = fr(form, [adjTokens[k] as EnToken], [], a.en === 'new' && formIndex(agr) === 0 ? 'nouveau' : undefined);
    tok.preAdjective = true;
    piece.fr.push(tok);
  });
  piece.fr.push(fr(np.number === 'sg' ? np.noun.fr : np.noun.frPl, [nounToken]));
  for (let k = np.adjectives.length - 1; k >= 0; k--) {
    const a = np.adjectives[k] as Adjective;
    if (!a.pre) piece.fr.push(fr(a.fr[formIndex(agr)], [adjTokens[k] as EnToken]));
  }
  if (np.pp !== undefined) append(piece, renderPrepPhrase(np.pp));
  if (np.rel !== undefined) append(piece, renderRelative(np.rel, agr));
  return piece;
}

function renderNominal(phrase: NounPhrase | NamedPhrase): Piece {
  return phrase.kind === 'named' ? renderNamed(phrase) : renderNounPhrase(phrase);
}

function renderSubject(subject: Subject): Piece {
  if (subject.kind !== 'pronoun') return renderNominal(subject);
  const t = en(subject.which);
  return { en: [t], fr: [fr(subject.which === 'he' ? 'il' : subject.which === 'she' ? 'elle' : 'ils', [t])] };
}

function renderPrepPhrase(pp: PrepPhrase): Piece {
  const t = en(pp.prep);
  const role: FrRole | undefined = pp.prep === 'of' || pp.prep === 'from' ? 'de' : pp.prep === 'to' ? 'a' : undefined;
  const piece: Piece = { en: [t], fr: [fr(PREPOSITIONS[pp.prep], [t], [], role)] };
  return append(piece, renderNominal(pp.object));
}

function renderPlace(phrase: PlacePhrase): Piece {
  const p = en(phrase.prep);
  const name = en(phrase.place.en);
  const { kind, gender } = phrase.place;
  let prep: FrToken;
  if (phrase.prep === 'from') {
    prep = kind === 'country' && gender === 'm' ? fr('du', [p]) : fr('de', [p], [], 'de');
  } else {
    prep = fr(kind === 'city' ? 'à' : gender === 'f' ? 'en' : 'au', [p]);
  }
  return { en: [p, name], fr: [prep, fr(phrase.place.fr, [name])] };
}

function renderTime(phrase: TimePhrase): Piece {
  const p = en(phrase.prep);
  const frPrep = { in: 'en', on: 'le', before: 'avant', after: 'après' }[phrase.prep];
  const piece: Piece = { en: [p], fr: [fr(frPrep, [p])] };
  if (phrase.day !== undefined) {
    const d = en(String(phrase.day));
    piece.en.push(d);
    piece.fr.push(fr(phrase.day === 1 ? '1er' : String(phrase.day), [d]));
  }
  if (phrase.month !== undefined) {
    const month = MONTHS[phrase.month - 1] as { en: string; fr: string };
    const m = en(month.en);
    piece.en.push(m);
    piece.fr.push(fr(month.fr, [m]));
  }
  if (phrase.year !== undefined) {
    const y = en(String(phrase.year));
    piece.en.push(y);
    piece.fr.push(fr(String(phrase.year), [y]));
  }
  return piece;
}

function renderObjectPronoun(pronoun: ObjectPronoun): { piece: Piece; agr: Agreement } {
  const t = en(pronoun.which);
  if (pronoun.which === 'him') return { piece: { en: [t], fr: [fr('le', [t], [], 'clitic')] }, agr: MS };
  if (pronoun.which === 'her') return { piece: { en: [t], fr: [fr('la', [t], [], 'clitic')] }, agr: { gender: 'f', number: 'sg' } };
  return { piece: { en: [t], fr: [fr('les', [t], [], 'clitic')] }, agr: { gender: 'm', number: 'pl' } };
}

/** The French negation/adverb slot after the finite verb, and the English tokens it links to. */
interface Slots {
  ne?: FrToken;
  after?: FrToken;
}

function negationSlots(features: VerbFeatures, marker: EnToken | undefined, carrier: EnToken | undefined): Slots {
  if (features.polarity === 'positive') {
    return marker === undefined ? {} : { after: fr(ADVERBS[features.adverb as Adverb], [marker]) };
  }
  const possible = carrier === undefined ? [] : [carrier];
  const word = features.polarity === 'negative' ? 'pas' : 'jamais';
  return { ne: fr('ne', [marker as EnToken], possible.slice(), 'ne'), after: fr(word, [marker as EnToken], possible.slice()) };
}

/**
 * The verb group. `agr` is the subject's agreement; `precedingObject` the agreement of a direct
 * object placed before the verb (a relative "que"), which the avoir participle agrees with.
 */
function renderVerbGroup(
  verb: Verb,
  features: VerbFeatures,
  agr: Agreement,
  object: ObjectPhrase | undefined,
  precedingObject: Agreement | undefined,
): Piece {
  const sg = agr.number === 'sg';
  const past = features.tense === 'past';
  const out = emptyPiece();
  // English.
  let marker: EnToken | undefined; // not / never / adverb
  let carrier: EnToken | undefined; // do / does / did
  let lexical: EnToken;
  if (features.polarity === 'negative') {
    carrier = en(past ? 'did' : sg ? 'does' : 'do');
    marker = en('not');
    lexical = en(verb.en[0]);
    out.en.push(carrier, marker, lexical);
  } else {
    marker = features.polarity === 'never' ? en('never') : features.adverb !== undefined ? en(features.adverb) : undefined;
    lexical = en(past ? verb.en[2] : sg ? verb.en[1] : verb.en[0]);
    if (marker !== undefined) out.en.push(marker);
    out.en.push(lexical);
  }
  let clitic: { piece: Piece; agr: Agreement } | undefined;
  let objectPiece: Piece | undefined;
  if (object !== undefined) {
    if (object.kind === 'object-pronoun') clitic = renderObjectPronoun(object);
    else objectPiece = renderNominal(object);
  }
  out.en.push(...(clitic?.piece.en ?? []), ...(objectPiece?.en ?? []));
  // French.
  const slots = negationSlots(features, marker, carrier);
  if (slots.ne !== undefined) out.fr.push(slots.ne);
  if (clitic !== undefined) out.fr.push(...clitic.piece.fr);
  if (!past) {
    out.fr.push(fr(sg ? verb.fr[0] : verb.fr[1], [lexical], carrier === undefined ? [] : [carrier]));
    if (slots.after !== undefined) out.fr.push(slots.after);
  } else {
    const etre = verb.aux === 'être';
    const auxText = etre ? (sg ? 'est' : 'sont') : sg ? 'a' : 'ont';
    out.fr.push(carrier === undefined ? fr(auxText, [], [lexical]) : fr(auxText, [carrier]));
    if (slots.after !== undefined) out.fr.push(slots.after);
    const participleAgr = etre ? agr : (clitic?.agr ?? precedingObject ?? MS);
    out.fr.push(fr(agreeParticiple(verb.fr[2], participleAgr), [lexical]));
  }
  if (objectPiece !== undefined) out.fr.push(...objectPiece.fr);
  return out;
}

function renderPassive(vp: PassivePhrase, agr: Agreement): Piece {
  const sg = agr.number === 'sg';
  const past = vp.tense === 'past';
  const be = en(past ? (sg ? 'was' : 'were') : sg ? 'is' : 'are');
  const marker = vp.polarity === 'negative' ? en('not') : vp.polarity === 'never' ? en('never') : vp.adverb !== undefined ? en(vp.adverb) : undefined;
  const participle = en(vp.verb.en[3]);
  const out: Piece = { en: [be, ...(marker === undefined ? [] : [marker]), participle], fr: [] };
  const slots = negationSlots(vp, marker, vp.polarity === 'positive' ? undefined : be);
  if (slots.ne !== undefined) out.fr.push(slots.ne);
  if (past) {
    out.fr.push(fr(sg ? 'a' : 'ont', [], [be]));
    if (slots.after !== undefined) out.fr.push(slots.after);
    out.fr.push(fr('été', [be]));
  } else {
    out.fr.push(fr(sg ? 'est' : 'sont', [be]));
    if (slots.after !== undefined) out.fr.push(slots.after);
  }
  out.fr.push(fr(agreeParticiple(vp.verb.fr[2], agr), [participle]));
  if (vp.agent !== undefined) {
    const by = en('by');
    append(out, { en: [by], fr: [fr('par', [by])] });
    append(out, renderNominal(vp.agent));
  }
  return out;
}

function renderCopula(vp: CopulaPhrase, agr: Agreement): Piece {
  const sg = agr.number === 'sg';
  const past = vp.tense === 'past';
  const be = en(past ? (sg ? 'was' : 'were') : sg ? 'is' : 'are');
  const marker = vp.polarity === 'negative' ? en('not') : vp.polarity === 'never' ? en('never') : vp.adverb !== undefined ? en(vp.adverb) : undefined;
  const adjective = en(vp.adjective.en);
  const out: Piece = { en: [be, ...(marker === undefined ? [] : [marker]), adjective], fr: [] };
  const slots = negationSlots(vp, marker, vp.polarity === 'positive' ? undefined : be);
  if (slots.ne !== undefined) out.fr.push(slots.ne);
  out.fr.push(fr(past ? (sg ? 'était' : 'étaient') : sg ? 'est' : 'sont', [be]));
  if (slots.after !== undefined) out.fr.push(slots.after);
  out.fr.push(fr(vp.adjective.fr[formIndex(agr)], [adjective]));
  return out;
}

function renderVerbPhrase(vp: VerbPhrase, agr: Agreement): Piece {
  if (vp.kind === 'passive') return renderPassive(vp, agr);
  if (vp.kind === 'copula') return renderCopula(vp, agr);
  return renderVerbGroup(vp.verb, vp, agr, vp.object, undefined);
}

function renderRelative(rel: RelativeClause, antecedent: Agreement): Piece {
  const pronoun = en(rel.pronoun);
  if (rel.kind === 'subject-relative') {
    return append({ en: [pronoun], fr: [fr('qui', [pronoun])] }, renderVerbPhrase(rel.vp, antecedent));
  }
  const piece: Piece = { en: [pronoun], fr: [fr('que', [pronoun], [], 'que')] };
  append(piece, renderSubject(rel.subject));
  return append(piece, renderVerbGroup(rel.verb, rel, subjectAgreement(rel.subject), undefined, antecedent));
}

function renderModifier(modifier: Modifier): Piece {
  if (modifier.kind === 'pp') return renderPrepPhrase(modifier);
  if (modifier.kind === 'place') return renderPlace(modifier);
  return renderTime(modifier);
}

function renderClause(clause: Clause): Piece {
  const piece = renderSubject(clause.subject);
  append(piece, renderVerbPhrase(clause.vp, subjectAgreement(clause.subject)));
  for (const modifier of clause.modifiers) append(piece, renderModifier(modifier));
  return piece;
}

// Elision, contraction and des → de, applied right to left so that each word sees the final
// form of the next one ("de le homme" → "de l' homme", never "du homme").
const VOWEL_START = /^[aeiouàâäéèêëîïôöûüœæ]/iu;
const MUTE_H = new Set(['homme', 'hommes', 'hôpital', 'hôpitaux', 'hôtel', 'hôtels', 'histoire', 'histoires']);
const NO_ELISION = new Set(['onze']);

function startsWithVowelSound(word: string): boolean {
  const lower = word.toLowerCase();
  if (NO_ELISION.has(lower)) return false;
  return VOWEL_START.test(lower) || MUTE_H.has(lower);
}

const ELIDED: Partial<Record<FrRole, Record<string, string>>> = {
  def: { le: "l'", la: "l'" },
  clitic: { le: "l'", la: "l'" },
  de: { de: "d'" },
  ne: { ne: "n'" },
  que: { que: "qu'" },
  'poss-f': { sa: 'son' },
  'dem-m': { ce: 'cet' },
  nouveau: { nouveau: 'nouvel' },
};
const CONTRACTED: Record<string, string> = { 'de le': 'du', 'de les': 'des', 'à le': 'au', 'à les': 'aux' };

function finishFrench(tokens: readonly FrToken[]): FrToken[] {
  const reversed: FrToken[] = [];
  for (let k = tokens.length - 1; k >= 0; k--) {
    const tok: FrToken = { ...(tokens[k] as FrToken) };
    const next = reversed[reversed.length - 1];
    if (next !== undefined && tok.role !== undefined) {
      if (startsWithVowelSound(next.text)) tok.text = ELIDED[tok.role]?.[tok.text] ?? tok.text;
      const contracted = next.role === 'def' && (tok.role === 'de' || tok.role === 'a') ? CONTRACTED[`${tok.text} ${next.text}`] : undefined;
      if (contracted !== undefined) {
        reversed.pop();
        reversed.push({ text: contracted, sure: tok.sure, possible: [...tok.possible, ...next.sure, ...next.possible] });
        continue;
      }
      if (tok.role === 'des' && next.preAdjective === true) tok.text = 'de';
    }
    reversed.push(tok);
  }
  return reversed.reverse();
}

function finishEnglish(tokens: readonly EnToken[]): EnToken[] {
  return tokens.map((tok, k) => {
    const next = tokens[k + 1];
    if (tok.text !== 'a' || next === undefined) return tok;
    const w = next.text.toLowerCase();
    const vowel = /^[aeiou]/.test(w) && !/^(eu|uni|use|one)/.test(w);
    return vowel || /^(hour|honest|heir)/.test(w) ? { text: 'an' } : tok;
  });
}

function toExample(piece: Piece): Example {
  const enTokens = finishEnglish(piece.en);
  // finishEnglish may replace 'a' tokens; map the originals to positions.
  const position = new Map<EnToken, number>();
  piece.en.forEach((t, k) => position.set(t, k));
  const frTokens = finishFrench(piece.fr);
  const sure: Link[] = [];
  const possible: Link[] = [];
  const seen = new Set<number>();
  frTokens.forEach((tok, i) => {
    for (const s of tok.sure) {
      const j = position.get(s) as number;
      sure.push([i, j]);
      seen.add(i * 65536 + j);
      possible.push([i, j]);
    }
    for (const p of tok.possible) {
      const j = position.get(p) as number;
      if (seen.has(i * 65536 + j)) continue;
      seen.add(i * 65536 + j);
      possible.push([i, j]);
    }
  });
  return { source: enTokens.map((t) => t.text), target: frTokens.map((t) => t.text), sure, possible };
}

/** Render a sentence structure as an English → French example with gold alignment. */
export function renderEnFr(sentence: EnFrSentence): Example {
  if (sentence.clauses.length === 0 || sentence.conjunctions.length !== sentence.clauses.length - 1) {
    throw new RangeError('renderEnFr: a sentence needs at least one clause and one conjunction between each pair');
  }
  const piece = renderClause(sentence.clauses[0] as Clause);
  sentence.conjunctions.forEach((conj, k) => {
    const c = en(conj);
    const words = CONJUNCTIONS[conj];
    append(piece, { en: [c], fr: words.map((w) => fr(w, [c], [], w === 'que' ? 'que' : undefined)) });
    append(piece, renderClause(sentence.clauses[k + 1] as Clause));
  });
  const stop = en('.');
  append(piece, { en: [stop], fr: [fr('.', [stop])] });
  return toExample(piece);
}

// ---------------------------------------------------------------------------------------------
// Builders (for curated examples and tests): look words up by their English form.

function lookup<T>(items: readonly T[], key: (item: T) => string, wanted: string, what: string): T {
  const found = items.find((item) => key(item) === wanted);
  if (found === undefined) throw new RangeError(`en-fr: unknown ${what} ${JSON.stringify(wanted)}`);
  return found;
}
/** The lexicon noun with English singular `word`. */
export const nounOf = (word: string): Noun => lookup(NOUNS, (n) => n.en, word, 'noun');
/** The lexicon adjective with English form `word`. */
export const adjectiveOf = (word: string): Adjective => lookup(ADJECTIVES, (a) => a.en, word, 'adjective');
/** The lexicon verb (transitive or intransitive) with English base form `word`. */
export const verbOf = (word: string): Verb => lookup([...TRANSITIVE_VERBS, ...INTRANSITIVE_VERBS], (v) => v.en[0], word, 'verb');
/** The named entity with English words `name` ("European Economic Area"). */
export const entityOf = (name: string): NamedEntity => lookup(NAMED_ENTITIES, (e) => e.en.join(' '), name, 'named entity');
/** The place with English name `name`. */
export const placeOf = (name: string): Place => lookup(PLACES, (p) => p.en, name, 'place');

/** A noun phrase: `np('the', 'car', {adjectives: ['red']})`. */
export function np(
  det: Determiner,
  noun: string,
  options: { number?: Plurality; count?: number; adjectives?: string[]; pp?: PrepPhrase; rel?: RelativeClause } = {},
): NounPhrase {
  const phrase: NounPhrase = {
    kind: 'np',
    det,
    adjectives: (options.adjectives ?? []).map(adjectiveOf),
    noun: nounOf(noun),
    number: options.number ?? (options.count !== undefined && options.count > 1 ? 'pl' : 'sg'),
  };
  if (options.count !== undefined) phrase.count = options.count;
  if (options.pp !== undefined) phrase.pp = options.pp;
  if (options.rel !== undefined) phrase.rel = options.rel;
  return phrase;
}
/** A named entity phrase ("the European Commission"). */
export const named = (name: string): NamedPhrase => ({ kind: 'named', entity: entityOf(name) });
/** A prepositional phrase. */
export const pp = (prep: Preposition, object: NounPhrase | NamedPhrase): PrepPhrase => ({ kind: 'pp', prep, object });
/** A place phrase ("in Paris"). */
export const at = (prep: 'in' | 'to' | 'from', place: string): PlacePhrase => ({ kind: 'place', prep, place: placeOf(place) });
/** A time phrase ("in August 1992"). */
export function when(prep: TimePhrase['prep'], date: { day?: number; month?: number; year?: number }): TimePhrase {
  return { kind: 'time', prep, ...date };
}

// ---------------------------------------------------------------------------------------------
// The sampler

const intersects = (a: readonly Tag[], b: readonly Tag[]): boolean => a.some((t) => b.includes(t));

class SentenceSampler {
  constructor(private readonly rng: Rng) {}

  private nounsFor(tags: readonly Tag[]): Noun[] {
    return NOUNS.filter((n) => intersects(n.tags, tags));
  }

  adjectives(noun: Noun, richness: number): Adjective[] {
    const rng = this.rng;
    const r = rng.float();
    const count = r < 0.12 * richness ? 2 : r < 0.12 * richness + 0.25 + 0.15 * richness ? 1 : 0;
    if (count === 0) return [];
    const fitting = ADJECTIVES.filter((a) => intersects(a.tags, noun.tags));
    if (fitting.length === 0) return [];
    const first = rng.pick(fitting);
    if (count === 1) return [first];
    const others = fitting.filter((a) => a.cls !== first.cls && !(a.pre && first.pre));
    if (others.length === 0) return [first];
    const second = rng.pick(others);
    return [first, second].sort((a, b) => ADJECTIVE_CLASS_RANK[a.cls] - ADJECTIVE_CLASS_RANK[b.cls]);
  }

  nominal(tags: readonly Tag[], depth: number, richness: number): NounPhrase | NamedPhrase {
    const rng = this.rng;
    const entities = NAMED_ENTITIES.filter((e) => intersects(e.tags, tags));
    if (entities.length > 0 && rng.bernoulli(0.07)) return { kind: 'named', entity: rng.pick(entities) };
    const candidates = this.nounsFor(tags);
    const noun = rng.pick(candidates.length > 0 ? candidates : NOUNS);
    const number: Plurality = rng.bernoulli(0.3) ? 'pl' : 'sg';
    const phrase: NounPhrase = { kind: 'np', det: 'the', adjectives: [], noun, number };
    if (number === 'sg') {
      phrase.det = rng.pickWeighted<Determiner>(['the', 'a', 'this', 'his', 'her', 'their', 'none'], [46, 22, 8, 6, 6, 6, 6]);
      if (phrase.det === 'none') phrase.count = 1;
    } else {
      phrase.det = rng.pickWeighted<Determiner>(['the', 'some', 'this', 'his', 'her', 'their', 'none'], [40, 12, 8, 6, 6, 6, 22]);
      if (phrase.det === 'none' || (phrase.det !== 'some' && rng.bernoulli(0.12))) phrase.count = 2 + rng.int(19);
    }
    phrase.adjectives = this.adjectives(noun, richness);
    if (depth === 0 && rng.bernoulli(0.3 * richness)) {
      const prep = rng.pickWeighted<Preposition>(['of', 'on', 'for', 'with'], [5, 2, 1, 1]);
      const objectTags: readonly Tag[] =
        prep === 'on' ? ['doc', 'place', 'event'] : prep === 'for' ? ['person', 'org'] : prep === 'with' ? ['person', 'object', 'animal'] : ['person', 'org', 'place', 'doc', 'building', 'event'];
      phrase.pp = { kind: 'pp', prep, object: this.nominal(objectTags, depth + 1, richness) };
    } else if (depth === 0 && rng.bernoulli(0.2 * richness)) {
      const rel = this.relative(noun.tags, richness);
      if (rel !== undefined) phrase.rel = rel;
    }
    return phrase;
  }

  subject(tags: readonly Tag[], depth: number, richness: number): Subject {
    const rng = this.rng;
    if (tags.includes('person') && rng.bernoulli(0.2)) return { kind: 'pronoun', which: rng.pick(['he', 'she', 'they'] as const) };
    return this.nominal(tags, depth, richness);
  }

  features(): VerbFeatures {
    const rng = this.rng;
    const tense: Tense = rng.bernoulli(0.5) ? 'present' : 'past';
    const polarity = rng.pickWeighted<Polarity>(['positive', 'negative', 'never'], [70, 22, 8]);
    const features: VerbFeatures = { tense, polarity };
    if (polarity === 'positive' && rng.bernoulli(0.15)) features.adverb = rng.pick(['often', 'always', 'also'] as const);
    return features;
  }

  /** A verb phrase whose subject has some of `subjectTags` (undefined if none fits). */
  verbPhrase(subjectTags: readonly Tag[] | undefined, depth: number, richness: number): { vp: VerbPhrase; subjectTags: readonly Tag[] } | undefined {
    const rng = this.rng;
    const kind = rng.pickWeighted(['active', 'intransitive', 'passive', 'copula'] as const, [45, 15, 25, 15]);
    const fits = (tags: readonly Tag[]): boolean => subjectTags === undefined || intersects(tags, subjectTags);
    const inner = depth + 1;
    if (kind === 'active') {
      const verbs = TRANSITIVE_VERBS.filter((v) => fits(v.subj));
      if (verbs.length === 0) return undefined;
      const verb = rng.pick(verbs);
      const obj = verb.obj as readonly Tag[];
      let object: ObjectPhrase;
      if (rng.bernoulli(0.1)) {
        const options: Array<'him' | 'her' | 'them'> = obj.includes('person') ? ['him', 'her', 'them'] : ['them'];
        object = { kind: 'object-pronoun', which: rng.pick(options) };
      } else {
        object = this.nominal(obj, depth === 0 ? 0 : inner, richness);
      }
      return { vp: { kind: 'active', verb, object, ...this.features() }, subjectTags: verb.subj };
    }
    if (kind === 'intransitive') {
      const verbs = INTRANSITIVE_VERBS.filter((v) => fits(v.subj));
      if (verbs.length === 0) return undefined;
      const verb = rng.pick(verbs);
      return { vp: { kind: 'active', verb, ...this.features() }, subjectTags: verb.subj };
    }
    if (kind === 'passive') {
      const verbs = TRANSITIVE_VERBS.filter((v) => fits(v.obj as readonly Tag[]));
      if (verbs.length === 0) return undefined;
      const verb = rng.pick(verbs);
      const vp: PassivePhrase = { kind: 'passive', verb, ...this.features() };
      if (rng.bernoulli(0.3 * richness)) vp.agent = this.nominal(verb.subj, inner, richness);
      return { vp, subjectTags: verb.obj as readonly Tag[] };
    }
    const adjectives = ADJECTIVES.filter((a) => fits(a.tags));
    if (adjectives.length === 0) return undefined;
    const adjective = rng.pick(adjectives);
    return { vp: { kind: 'copula', adjective, ...this.features() }, subjectTags: adjective.tags };
  }

  relative(antecedentTags: readonly Tag[], richness: number): RelativeClause | undefined {
    const rng = this.rng;
    const person = antecedentTags.includes('person');
    if (rng.bernoulli(0.6)) {
      const made = this.verbPhrase(antecedentTags, 1, richness);
      if (made === undefined) return undefined;
      const pronoun = person ? rng.pickWeighted(['who', 'that'] as const, [7, 3]) : rng.pick(['that', 'which'] as const);
      return { kind: 'subject-relative', pronoun, vp: made.vp };
    }
    const verbs = TRANSITIVE_VERBS.filter((v) => intersects(v.obj as readonly Tag[], antecedentTags));
    if (verbs.length === 0) return undefined;
    const verb = rng.pick(verbs);
    return { kind: 'object-relative', pronoun: rng.pick(['that', 'which'] as const), subject: this.subject(verb.subj, 1, richness), verb, ...this.features() };
  }

  modifiers(vp: VerbPhrase, richness: number): Modifier[] {
    const rng = this.rng;
    const out: Modifier[] = [];
    if (rng.bernoulli(0.12 + 0.2 * richness)) {
      const prep = rng.pickWeighted(['in', 'to', 'with', 'after', 'before'] as const, [4, 2, 2, 1, 1]);
      const tags: readonly Tag[] =
        prep === 'in' ? ['place', 'building'] : prep === 'to' ? ['person', 'org', 'building', 'place'] : prep === 'with' ? ['person', 'object', 'animal'] : ['event'];
      out.push({ kind: 'pp', prep, object: this.nominal(tags, 1, richness) });
    } else if (rng.bernoulli(0.1 + 0.1 * richness)) {
      out.push({ kind: 'place', prep: rng.pickWeighted(['in', 'to', 'from'] as const, [3, 1, 1]), place: rng.pick(PLACES) });
    }
    if (rng.bernoulli((vp.kind === 'passive' ? 0.3 : 0.15) + 0.15 * richness)) out.push(this.time());
    return out;
  }

  time(): TimePhrase {
    const rng = this.rng;
    const month = 1 + rng.int(12);
    const year = FIRST_YEAR + rng.int(LAST_YEAR - FIRST_YEAR + 1);
    const shape = rng.pickWeighted(['month-year', 'year', 'month', 'day-month-year', 'day-month', 'before', 'after'] as const, [30, 15, 10, 20, 8, 8, 9]);
    switch (shape) {
      case 'month-year':
        return { kind: 'time', prep: 'in', month, year };
      case 'year':
        return { kind: 'time', prep: 'in', year };
      case 'month':
        return { kind: 'time', prep: 'in', month };
      case 'day-month-year':
      case 'day-month': {
        const day = 1 + rng.int((MONTHS[month - 1] as { days: number }).days);
        return shape === 'day-month' ? { kind: 'time', prep: 'on', day, month } : { kind: 'time', prep: 'on', day, month, year };
      }
      default:
        return rng.bernoulli(0.5) ? { kind: 'time', prep: shape, month, year } : { kind: 'time', prep: shape, year };
    }
  }

  clause(richness: number): Clause {
    for (;;) {
      const made = this.verbPhrase(undefined, 0, richness);
      if (made === undefined) continue;
      const subject = this.subject(made.subjectTags, 0, richness);
      return { subject, vp: made.vp, modifiers: this.modifiers(made.vp, richness) };
    }
  }
}

const richnessFor = (budget: number): number => Math.min(1, Math.max(0, (budget - 4) / 16));
const sourceLength = (clause: Clause): number => renderClause(clause).en.length;

/** A random sentence structure aiming at about `targetLength` source tokens. */
export function sampleEnFrSentence(rng: Rng, targetLength: number): EnFrSentence {
  const sampler = new SentenceSampler(rng);
  const first = sampler.clause(richnessFor(targetLength - 1));
  const sentence: EnFrSentence = { clauses: [first], conjunctions: [] };
  let length = sourceLength(first) + 1;
  while (length < targetLength && sentence.clauses.length < 40) {
    const budget = targetLength - length - 1;
    const clause = sampler.clause(richnessFor(budget));
    sentence.conjunctions.push(rng.pickWeighted<Conjunction>(['and', 'but', 'because', 'while'], [4, 2, 2, 2]));
    sentence.clauses.push(clause);
    length += 1 + sourceLength(clause);
  }
  return sentence;
}

const EN_FR_LIMITS = { min: 3, max: 200 };

function curated(): Array<[string, EnFrSentence]> {
  const past = { tense: 'past', polarity: 'positive' } as const;
  const present = { tense: 'present', polarity: 'positive' } as const;
  const clause = (subject: Subject, vp: VerbPhrase, modifiers: Modifier[] = []): Clause => ({ subject, vp, modifiers });
  const one = (c: Clause): EnFrSentence => ({ clauses: [c], conjunctions: [] });
  return [
    [
      'The paper\u2019s figure 3',
      one(
        clause(np('the', 'agreement', { pp: pp('on', named('European Economic Area')) }), { kind: 'passive', verb: verbOf('sign'), ...past }, [
          when('in', { month: 8, year: 1992 }),
        ]),
      ),
    ],
    ['Adjective after the noun', one(clause(np('the', 'man'), { kind: 'active', verb: verbOf('see'), object: np('the', 'car', { adjectives: ['red'] }), ...present }))],
    [
      'Two adjectives mirror',
      one(clause(named('European Commission'), { kind: 'active', verb: verbOf('reject'), object: np('a', 'reform', { adjectives: ['important', 'economic'] }), ...past })),
    ],
    [
      'ne … pas',
      one(clause(np('the', 'president'), { kind: 'active', verb: verbOf('see'), object: np('the', 'dog', { adjectives: ['small'] }), tense: 'present', polarity: 'negative' })),
    ],
    [
      'Negated passive with agreement',
      one(clause(np('the', 'law'), { kind: 'passive', verb: verbOf('sign'), agent: np('the', 'minister'), tense: 'past', polarity: 'negative' })),
    ],
    [
      'Object pronoun before the verb',
      {
        clauses: [
          clause({ kind: 'pronoun', which: 'she' }, { kind: 'active', verb: verbOf('see'), object: { kind: 'object-pronoun', which: 'him' }, ...past }, [at('in', 'Paris')]),
          clause({ kind: 'pronoun', which: 'he' }, { kind: 'active', verb: verbOf('laugh'), ...past }),
        ],
        conjunctions: ['and'],
      },
    ],
    [
      'Agreement with a preceding object',
      one(
        clause(
          np('the', 'letter', { rel: { kind: 'object-relative', pronoun: 'that', subject: np('the', 'woman'), verb: verbOf('write'), ...past } }),
          { kind: 'passive', verb: verbOf('send'), ...past },
          [pp('to', np('the', 'president'))],
        ),
      ),
    ],
    [
      'Numbers and a date',
      one(
        clause(np('none', 'engineer', { count: 3, adjectives: ['German'] }), { kind: 'active', verb: verbOf('repair'), object: np('the', 'truck', { count: 2, adjectives: ['white'] }), ...past }, [
          when('on', { day: 1, month: 5, year: 1995 }),
        ]),
      ),
    ],
    [
      'A long sentence',
      {
        clauses: [
          clause(np('the', 'child', { number: 'pl', pp: pp('of', np('the', 'teacher')) }), { kind: 'active', verb: verbOf('eat'), object: np('some', 'apple', { number: 'pl', adjectives: ['green'] }), tense: 'present', polarity: 'positive', adverb: 'often' }, [
            pp('in', np('the', 'garden')),
          ]),
          clause({ kind: 'pronoun', which: 'they' }, { kind: 'copula', adjective: adjectiveOf('happy'), tense: 'present', polarity: 'positive', adverb: 'always' }),
          clause(np('the', 'bank', { adjectives: ['central'] }), { kind: 'active', verb: verbOf('finance'), object: np('a', 'hospital', { adjectives: ['new', 'public'] }), ...past }, [at('in', 'Japan'), when('in', { year: 2004 })]),
        ],
        conjunctions: ['while', 'because'],
      },
    ],
    [
      'Movement verb with être',
      one(clause(np('her', 'sister'), { kind: 'active', verb: verbOf('arrive'), tense: 'past', polarity: 'never' }, [at('from', 'Italy')])),
    ],
  ];
}

/** The English → French task. */
export const enFrTask: Task = {
  id: 'en-fr',
  title: 'English → French · synthetic grammar',
  description:
    'A small English–French grammar with real words: adjectives after the noun, gender and number agreement, ne … pas, the passive, elision, dates and numbers. Includes the paper\u2019s figure-3 sentence.',
  tokenizer: { level: 'word', lowercase: false },
  lengthLimits: EN_FR_LIMITS,
  sample(rng: Rng, options: SampleOptions): Example {
    checkSampleOptions(enFrTask, options);
    const lo = Math.max(options.minLength, EN_FR_LIMITS.min);
    const hi = Math.min(options.maxLength, EN_FR_LIMITS.max);
    for (let attempt = 0; attempt < 2000; attempt++) {
      const target = lo + rng.int(hi - lo + 1);
      const example = renderEnFr(sampleEnFrSentence(rng, target));
      const n = example.source.length;
      if (n >= lo && n <= hi && example.target.length <= MAX_TOKENS_PER_SIDE) return example;
    }
    throw new SampleError(`en-fr: could not produce a sentence of length [${lo}, ${hi}]`);
  },
  examples(): CuratedExample[] {
    return curated().map(([label, sentence]) => {
      const example = renderEnFr(sentence);
      return { label, source: example.source.join(' '), target: example.target.join(' ') };
    });
  },
};

/** The paper's figure-3 sentence as a structure (for tests and the examples menu). */
export function figure3Sentence(): EnFrSentence {
  return (curated()[0] as [string, EnFrSentence])[1];
}
