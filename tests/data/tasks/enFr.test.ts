import { describe, expect, it } from 'vitest';
import {
  adjectiveOf,
  at,
  enFrTask,
  figure3Sentence,
  named,
  np,
  pp,
  renderEnFr,
  verbOf,
  when,
  type Clause,
  type Modifier,
  type Subject,
  type VerbPhrase,
} from '../../../src/data/tasks/enFr';
import { MONTHS, NAMED_ENTITIES, PLACES } from '../../../src/data/tasks/enFrLexicon';
import { checkExample, type Example } from '../../../src/data/tasks/types';
import { detokenize, tokenize } from '../../../src/data/tokenize';
import { Rng } from '../../../src/tensor/random';

const clause = (subject: Subject, vp: VerbPhrase, modifiers: Modifier[] = []): Clause => ({ subject, vp, modifiers });
const one = (c: Clause): Example => renderEnFr({ clauses: [c], conjunctions: [] });
const en = (ex: Example): string => ex.source.join(' ');
const fr = (ex: Example): string => ex.target.join(' ');
const present = { tense: 'present', polarity: 'positive' } as const;
const past = { tense: 'past', polarity: 'positive' } as const;
const he: Subject = { kind: 'pronoun', which: 'he' };

/** "targetWord~sourceWord" for the sure (S) or possible-only (P) links of target token i. */
function linksOf(ex: Example, i: number): { sure: string[]; possibleOnly: string[] } {
  const sure = ex.sure.filter(([t]) => t === i).map(([, j]) => ex.source[j] as string);
  const possibleOnly = ex.possible
    .filter(([t, j]) => t === i && !ex.sure.some(([a, b]) => a === t && b === j))
    .map(([, j]) => ex.source[j] as string);
  return { sure: sure.sort(), possibleOnly: possibleOnly.sort() };
}

function sampleMany(n: number, seed: number, minLength = 1, maxLength = 40): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => enFrTask.sample(rng, { minLength, maxLength }));
}

describe('en-fr: the paper’s figure-3 sentence', () => {
  const ex = renderEnFr(figure3Sentence());

  it('is emitted exactly', () => {
    expect(en(ex)).toBe('the agreement on the European Economic Area was signed in August 1992 .');
    expect(fr(ex)).toBe("l' accord sur la zone économique européenne a été signé en août 1992 .");
  });

  it('carries the gold alignment of the figure', () => {
    const link = (word: string): { sure: string[]; possibleOnly: string[] } => linksOf(ex, ex.target.indexOf(word));
    expect(link("l'")).toEqual({ sure: ['the'], possibleOnly: [] });
    expect(link('accord')).toEqual({ sure: ['agreement'], possibleOnly: [] });
    expect(link('sur')).toEqual({ sure: ['on'], possibleOnly: [] });
    expect(link('zone')).toEqual({ sure: ['Area'], possibleOnly: [] });
    expect(link('économique')).toEqual({ sure: ['Economic'], possibleOnly: [] });
    expect(link('européenne')).toEqual({ sure: ['European'], possibleOnly: [] });
    expect(link('a')).toEqual({ sure: [], possibleOnly: ['was'] });
    expect(link('été')).toEqual({ sure: ['was'], possibleOnly: [] });
    expect(link('signé')).toEqual({ sure: ['signed'], possibleOnly: [] });
    expect(link('en')).toEqual({ sure: ['in'], possibleOnly: [] });
    expect(link('août')).toEqual({ sure: ['August'], possibleOnly: [] });
    expect(link('1992')).toEqual({ sure: ['1992'], possibleOnly: [] });
    expect(link('.')).toEqual({ sure: ['.'], possibleOnly: [] });
    // "la" before "zone" is the second "the" (source index 3), not the first.
    expect(ex.sure).toContainEqual([ex.target.indexOf('la'), 3]);
    expect(checkExample(ex)).toEqual([]);
  });

  it('is the first curated example', () => {
    expect(enFrTask.examples()[0]).toMatchObject({ source: en(ex), target: fr(ex) });
  });
});

describe('en-fr: French phenomena', () => {
  it('puts adjectives after the noun and mirrors two of them', () => {
    expect(fr(one(clause(np('the', 'man'), { kind: 'active', verb: verbOf('see'), object: np('the', 'car', { adjectives: ['red'] }), ...present })))).toBe(
      "l' homme voit la voiture rouge .",
    );
    const two = one(clause(np('the', 'policy', { adjectives: ['European', 'economic'] }), { kind: 'copula', adjective: adjectiveOf('important'), ...present }));
    expect(en(two)).toBe('the European economic policy is important .');
    expect(fr(two)).toBe('la politique économique européenne est importante .');
  });

  it('keeps the five pre-noun adjectives before the noun, with nouvel and des → de', () => {
    const see = (object: ReturnType<typeof np>): string => fr(one(clause(he, { kind: 'active', verb: verbOf('see'), object, ...present })));
    expect(see(np('a', 'car', { adjectives: ['new', 'red'] }))).toBe('il voit une nouvelle voiture rouge .');
    expect(see(np('a', 'agreement', { adjectives: ['new'] }))).toBe('il voit un nouvel accord .');
    expect(see(np('this', 'hotel'))).toBe('il voit cet hôtel .');
    expect(see(np('some', 'car', { number: 'pl', adjectives: ['small'] }))).toBe('il voit de petites voitures .');
    expect(see(np('some', 'car', { number: 'pl', adjectives: ['red'] }))).toBe('il voit des voitures rouges .');
    expect(see(np('her', 'idea'))).toBe('il voit son idée .');
    expect(see(np('her', 'idea', { adjectives: ['new'] }))).toBe('il voit sa nouvelle idée .');
  });

  it('agrees articles and adjectives in gender and number (le/la/l’/les, un/une/des)', () => {
    const cop = (subject: Subject, adjective: string): string => fr(one(clause(subject, { kind: 'copula', adjective: adjectiveOf(adjective), ...present })));
    expect(cop(np('the', 'truck'), 'white')).toBe('le camion est blanc .');
    expect(cop(np('the', 'car'), 'white')).toBe('la voiture est blanche .');
    expect(cop(np('the', 'truck', { number: 'pl' }), 'white')).toBe('les camions sont blancs .');
    expect(cop(np('the', 'car', { number: 'pl' }), 'white')).toBe('les voitures sont blanches .');
    expect(cop(np('the', 'school'), 'empty')).toBe("l' école est vide .");
    expect(cop(np('a', 'car'), 'expensive')).toBe('une voiture est chère .');
    expect(cop(np('a', 'boat'), 'expensive')).toBe('un bateau est cher .');
    expect(en(one(clause(np('a', 'island'), { kind: 'copula', adjective: adjectiveOf('famous'), ...present })))).toBe('an island is famous .');
    expect(en(one(clause(np('a', 'university', { adjectives: ['European'] }), { kind: 'copula', adjective: adjectiveOf('famous'), ...present })))).toBe(
      'a European university is famous .',
    );
  });

  it('makes the passive participle agree with the subject', () => {
    const signed = (subject: Subject, polarity: 'positive' | 'negative' = 'positive'): string =>
      fr(one(clause(subject, { kind: 'passive', verb: verbOf('sign'), tense: 'past', polarity })));
    expect(signed(np('the', 'law'))).toBe('la loi a été signée .');
    expect(signed(np('the', 'law', { number: 'pl' }))).toBe('les lois ont été signées .');
    expect(signed(np('the', 'treaty', { number: 'pl' }))).toBe('les traités ont été signés .');
    expect(signed(np('the', 'agreement'))).toBe("l' accord a été signé .");
    expect(signed(np('the', 'agreement'), 'negative')).toBe("l' accord n' a pas été signé .");
    expect(en(one(clause(np('the', 'agreement'), { kind: 'passive', verb: verbOf('sign'), tense: 'past', polarity: 'negative' })))).toBe(
      'the agreement was not signed .',
    );
    expect(fr(one(clause(np('the', 'letter'), { kind: 'passive', verb: verbOf('take'), tense: 'present', polarity: 'positive', agent: np('the', 'man') })))).toBe(
      "la lettre est prise par l' homme .",
    );
  });

  it('wraps the verb in ne … pas / ne … jamais and aligns them with "not" and "does"', () => {
    const ex = one(clause(np('the', 'president'), { kind: 'active', verb: verbOf('see'), object: np('the', 'dog'), tense: 'present', polarity: 'negative' }));
    expect(en(ex)).toBe('the president does not see the dog .');
    expect(fr(ex)).toBe('le président ne voit pas le chien .');
    expect(linksOf(ex, 2)).toEqual({ sure: ['not'], possibleOnly: ['does'] }); // ne
    expect(linksOf(ex, 3)).toEqual({ sure: ['see'], possibleOnly: ['does'] }); // voit
    expect(linksOf(ex, 4)).toEqual({ sure: ['not'], possibleOnly: ['does'] }); // pas
    const did = one(clause(he, { kind: 'active', verb: verbOf('like'), object: np('the', 'cake'), tense: 'past', polarity: 'negative' }));
    expect(fr(did)).toBe("il n' a pas aimé le gâteau .");
    expect(linksOf(did, 2)).toEqual({ sure: ['did'], possibleOnly: [] }); // a ↔ did
    const never = one(clause({ kind: 'pronoun', which: 'they' }, { kind: 'active', verb: verbOf('sleep'), tense: 'present', polarity: 'never' }));
    expect(fr(never)).toBe('ils ne dorment jamais .');
  });

  it('uses the passé composé with avoir or être and agrees être participles with the subject', () => {
    expect(fr(one(clause(np('the', 'man'), { kind: 'active', verb: verbOf('see'), object: np('the', 'cat'), ...past })))).toBe("l' homme a vu le chat .");
    expect(fr(one(clause(np('the', 'man', { number: 'pl' }), { kind: 'active', verb: verbOf('see'), object: np('the', 'cat'), ...past })))).toBe(
      'les hommes ont vu le chat .',
    );
    expect(en(one(clause(np('the', 'man', { number: 'pl' }), { kind: 'active', verb: verbOf('see'), object: np('the', 'cat'), ...present })))).toBe(
      'the men see the cat .',
    );
    expect(fr(one(clause({ kind: 'pronoun', which: 'she' }, { kind: 'active', verb: verbOf('arrive'), ...past })))).toBe('elle est arrivée .');
    expect(fr(one(clause(np('the', 'train', { number: 'pl' }), { kind: 'active', verb: verbOf('leave'), ...past })))).toBe('les trains sont partis .');
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('work'), ...present })))).toBe('il travaille .');
  });

  it('moves object pronouns before the verb and agrees the participle with them', () => {
    const ex = one(clause(he, { kind: 'active', verb: verbOf('see'), object: { kind: 'object-pronoun', which: 'her' }, ...past }));
    expect(en(ex)).toBe('he saw her .');
    expect(fr(ex)).toBe("il l' a vue .");
    expect(linksOf(ex, 1)).toEqual({ sure: ['her'], possibleOnly: [] });
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('see'), object: { kind: 'object-pronoun', which: 'them' }, tense: 'past', polarity: 'negative' })))).toBe(
      'il ne les a pas vus .',
    );
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('help'), object: { kind: 'object-pronoun', which: 'him' }, ...present })))).toBe('il l\' aide .');
  });

  it('places adverbs after the finite verb', () => {
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('see'), object: np('the', 'dog'), ...present, adverb: 'often' })))).toBe('il voit souvent le chien .');
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('see'), object: np('the', 'dog'), ...past, adverb: 'always' })))).toBe(
      'il a toujours vu le chien .',
    );
    expect(fr(one(clause(np('the', 'law'), { kind: 'passive', verb: verbOf('sign'), ...past, adverb: 'also' })))).toBe('la loi a aussi été signée .');
  });

  it('contracts de/à with le/les and elides before vowels', () => {
    const of = (object: ReturnType<typeof np> | ReturnType<typeof named>): string =>
      fr(one(clause(np('the', 'president', { pp: pp('of', object) }), { kind: 'active', verb: verbOf('work'), ...present })));
    expect(of(np('the', 'committee'))).toBe('le président du comité travaille .');
    expect(of(np('the', 'commission'))).toBe('le président de la commission travaille .');
    expect(of(np('the', 'association'))).toBe("le président de l' association travaille .");
    expect(of(np('the', 'party', { number: 'pl' }))).toBe('le président des partis travaille .');
    expect(of(np('a', 'company'))).toBe("le président d' une entreprise travaille .");
    expect(of(named('European Union'))).toBe("le président de l' union européenne travaille .");
    const send = (to: ReturnType<typeof np>): string =>
      fr(one(clause(he, { kind: 'active', verb: verbOf('send'), object: np('the', 'letter'), ...present }, [pp('to', to)])));
    expect(send(np('the', 'president'))).toBe('il envoie la lettre au président .');
    expect(send(np('the', 'commission'))).toBe('il envoie la lettre à la commission .');
    expect(send(np('the', 'minister', { number: 'pl' }))).toBe('il envoie la lettre aux ministres .');
    const du = one(clause(np('the', 'president', { pp: pp('of', np('the', 'committee')) }), { kind: 'active', verb: verbOf('work'), ...present }));
    expect(linksOf(du, du.target.indexOf('du'))).toEqual({ sure: ['of'], possibleOnly: ['the'] });
    expect(fr(one(clause(he, { kind: 'active', verb: verbOf('work'), ...present }, [pp('in', np('the', 'garden'))])))).toBe('il travaille dans le jardin .');
    expect(fr(one(clause(np('the', 'report', { pp: pp('on', np('the', 'crisis')) }), { kind: 'passive', verb: verbOf('publish'), ...present })))).toBe(
      'le rapport sur la crise est publié .',
    );
  });

  it('writes places, months, years and numbers the French way', () => {
    const live = (m: Modifier): string => fr(one(clause(he, { kind: 'active', verb: verbOf('live'), ...present }, [m])));
    expect(live(at('in', 'Paris'))).toBe('il vit à Paris .');
    expect(live(at('in', 'France'))).toBe('il vit en France .');
    expect(live(at('in', 'Japan'))).toBe('il vit au Japon .');
    expect(live(at('from', 'Italy'))).toBe("il vit d' Italie .");
    expect(live(at('from', 'Japan'))).toBe('il vit du Japon .');
    expect(live(when('in', { month: 8, year: 1992 }))).toBe('il vit en août 1992 .');
    expect(live(when('on', { day: 1, month: 5 }))).toBe('il vit le 1er mai .');
    expect(live(when('on', { day: 21, month: 11, year: 2026 }))).toBe('il vit le 21 novembre 2026 .');
    expect(live(when('after', { year: 2001 }))).toBe('il vit après 2001 .');
    const count = (n: number, noun: string): string => fr(one(clause(np('none', noun, { count: n }), { kind: 'active', verb: verbOf('arrive'), ...present })));
    expect(count(1, 'car')).toBe('une voiture arrive .');
    expect(count(1, 'train')).toBe('un train arrive .');
    expect(count(2, 'car')).toBe('deux voitures arrivent .');
    expect(count(17, 'train')).toBe('dix - sept trains arrivent .');
    expect(en(one(clause(np('none', 'train', { count: 17 }), { kind: 'active', verb: verbOf('arrive'), ...present })))).toBe('seventeen trains arrive .');
    expect(count(11, 'car')).toBe('onze voitures arrivent .');
    expect(fr(one(clause(np('the', 'car', { count: 11 }), { kind: 'active', verb: verbOf('arrive'), ...present })))).toBe('les onze voitures arrivent .');
  });

  it('translates relative clauses with qui / que and participle agreement', () => {
    const subjectRel = one(
      clause(np('the', 'man', { rel: { kind: 'subject-relative', pronoun: 'who', vp: { kind: 'active', verb: verbOf('sign'), object: np('the', 'law'), ...past } } }), {
        kind: 'active',
        verb: verbOf('laugh'),
        ...present,
      }),
    );
    expect(en(subjectRel)).toBe('the man who signed the law laughs .');
    expect(fr(subjectRel)).toBe("l' homme qui a signé la loi rit .");
    const objectRel = one(
      clause(he, {
        kind: 'active',
        verb: verbOf('find'),
        object: np('the', 'letter', { number: 'pl', rel: { kind: 'object-relative', pronoun: 'which', subject: { kind: 'pronoun', which: 'she' }, verb: verbOf('write'), ...past } }),
        ...present,
      }),
    );
    expect(en(objectRel)).toBe('he finds the letters which she wrote .');
    expect(fr(objectRel)).toBe("il trouve les lettres qu' elle a écrites .");
  });

  it('joins clauses with et / mais / parce que / pendant que', () => {
    const c1 = clause(he, { kind: 'active', verb: verbOf('work'), ...present });
    const c2 = clause({ kind: 'pronoun', which: 'she' }, { kind: 'active', verb: verbOf('sleep'), ...present });
    const c3 = clause(np('the', 'child'), { kind: 'active', verb: verbOf('laugh'), ...present });
    const ex = renderEnFr({ clauses: [c1, c2, c3, c1, c2], conjunctions: ['and', 'because', 'while', 'but'] });
    expect(en(ex)).toBe('he works and she sleeps because the child laughs while he works but she sleeps .');
    expect(fr(ex)).toBe("il travaille et elle dort parce que l' enfant rit pendant qu' il travaille mais elle dort .");
    expect(() => renderEnFr({ clauses: [c1, c2], conjunctions: [] })).toThrow(RangeError);
  });
});

describe('en-fr: sampled data', () => {
  const samples = sampleMany(3000, 1);

  it('round-trips through the tokenizer on both sides', () => {
    for (const ex of samples) {
      expect(tokenize(detokenize(ex.source, enFrTask.tokenizer), enFrTask.tokenizer)).toEqual(ex.source);
      expect(tokenize(detokenize(ex.target, enFrTask.tokenizer), enFrTask.tokenizer)).toEqual(ex.target);
    }
  });

  it('has valid alignments with a sure link for every target token that has a counterpart', () => {
    // Tokens allowed to have no sure link: the passé-composé auxiliary (possible to the English
    // past verb or "was") and "de" inside "conseil de sécurité".
    const noCounterpart = new Set(['a', 'ont', 'est', 'sont', 'de']);
    for (const ex of samples) {
      expect(checkExample(ex)).toEqual([]);
      ex.target.forEach((word, i) => {
        if (!ex.sure.some(([t]) => t === i)) expect(noCounterpart, `${word} in ${fr(ex)}`).toContain(word);
      });
      expect(ex.sure).toContainEqual([ex.target.length - 1, ex.source.length - 1]); // . ↔ .
    }
  });

  it('follows the casing rules: no initial capital, final " .", lower-case French except proper nouns', () => {
    const properFr = new Set(PLACES.map((p) => p.fr));
    const capitalisedEn = new Set([
      ...PLACES.map((p) => p.en),
      ...MONTHS.map((m) => m.en),
      ...NAMED_ENTITIES.flatMap((e) => e.en),
      ...['European', 'French', 'German', 'Italian', 'Spanish', 'British', 'American', 'Japanese', 'Chinese', 'Canadian'],
    ]);
    for (const ex of samples) {
      expect(ex.source[0]).toBe(ex.source[0]?.toLowerCase());
      expect(ex.source.at(-1)).toBe('.');
      expect(ex.target.at(-1)).toBe('.');
      for (const w of ex.target) if (w !== w.toLowerCase()) expect(properFr).toContain(w);
      for (const w of ex.source) if (w !== w.toLowerCase()) expect(capitalisedEn).toContain(w);
    }
  });

  it('is deterministic: one English sentence never gets two French translations', () => {
    const seen = new Map<string, string>();
    let repeats = 0;
    for (const ex of [...samples, ...sampleMany(20000, 2, 1, 6)]) {
      const source = en(ex);
      const target = fr(ex);
      const before = seen.get(source);
      if (before !== undefined) {
        repeats++;
        expect(target, source).toBe(before);
      }
      seen.set(source, target);
    }
    expect(repeats).toBeGreaterThan(500); // short sentences repeat, so the check has teeth
  });

  it('uses at least 300 distinct word forms across both sides', () => {
    const words = new Set<string>();
    for (const ex of samples) for (const w of [...ex.source, ...ex.target]) words.add(w);
    expect(words.size).toBeGreaterThanOrEqual(300);
  });

  it('reaches long sentences and honours every length range', () => {
    const rng = new Rng(8);
    for (const [lo, hi] of [
      [3, 3],
      [1, 10],
      [28, 30],
      [50, 60],
      [90, 100],
    ] as const) {
      for (let k = 0; k < 60; k++) {
        const n = enFrTask.sample(rng, { minLength: lo, maxLength: hi }).source.length;
        expect(n).toBeGreaterThanOrEqual(lo);
        expect(n).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('is reproducible from the seed', () => {
    expect(sampleMany(50, 42).map(en)).toEqual(sampleMany(50, 42).map(en));
    expect(sampleMany(50, 42).map(en)).not.toEqual(sampleMany(50, 43).map(en));
  });

  it('has curated examples that tokenize back to themselves', () => {
    const examples = enFrTask.examples();
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const e of examples) {
      expect(tokenize(e.source, enFrTask.tokenizer).join(' ')).toBe(e.source);
      expect(tokenize(e.target, enFrTask.tokenizer).join(' ')).toBe(e.target);
    }
    expect(examples.some((e) => tokenize(e.source, enFrTask.tokenizer).length >= 30)).toBe(true);
  });
});
