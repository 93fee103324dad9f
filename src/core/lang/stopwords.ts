import type { LexiconLanguage } from './lexicon-schema';
import { lightStem } from './stem';

const set = (words: string) => new Set(words.split(/\s+/).filter(Boolean));

/**
 * Function words and question scaffolding ("quels sont", "ni nini", "ما هي") that carry nothing to
 * look up, in normalized form. Left out on purpose, because they decide which section answers: the
 * words for symptoms, treatment, cause and "why", diagnosis, prevention, inheritance, and "how many"
 * or "how often" (combien, cuántos, quantos, ngapi, كم, souvent, fois, mara).
 */
export const STOP_WORDS: Readonly<Record<LexiconLanguage, ReadonlySet<string>>> = {
  fr: set(`a au aux ce ceci cela celle celles celui ceux ces cet cette ca car de des du en et la le les un une y
    je tu il elle on nous vous ils elles me te se lui leur leurs eux moi toi soi
    mon ma mes ton ta tes son sa ses notre nos votre vos
    qui que quoi quel quelle quels quelles lequel laquelle lesquels lesquelles dont ou mais donc or ni
    dans sur sous avec sans pour par entre vers chez pendant depuis jusque avant apres contre selon
    est sont etre ete suis es sommes etes etait etaient sera seront serait soit
    ai as avons avez ont avoir eu avait avaient aura auront aurait
    fait fais faire font peut peux peuvent pouvoir pourrait dois doit doivent devoir faut
    ne pas plus tres trop bien aussi meme tout tous toute toutes autre autres quelque quelques
    comment quand si oui non voici voila bonjour salut merci svp plait
    savoir sais voudrais veux aimerais dire dites expliquer expliquez`),
  es: set(`a al de del el en la las lo los un una unos unas y e o u ni pero sino porque
    que quien quienes cual cuales como cuando donde
    este esta estos estas ese esa esos esas aquel aquella aquellos aquellas esto eso aquello
    yo tu usted ustedes nosotros nosotras ellos ellas ella me te se le les nos os mi mis su sus tus
    nuestro nuestra nuestros nuestras
    por para con sin sobre entre hasta desde hacia segun durante contra ante bajo tras
    es son ser soy eres somos fue fueron era eran sido sera estar estan estoy estaba estado
    hay habia ha han he has haber tiene tienen tengo tener tenia puede pueden puedo poder debe deben debo deberia
    hacer hace hago muy mas menos tambien ya no si tan tanto otro otra otros otras todo toda todos todas
    mismo misma algo alguien cada hola gracias favor quiero queria quisiera saber decir explicar`),
  pt: set(`a as o os um uma uns umas ao aos do da dos das de em no na nos nas num numa pelo pela pelos pelas
    por para com sem sobre entre ate desde apos contra durante
    e ou mas nem porque que quem qual quais como quando onde
    este esta estes estas isto esse essa esses essas isso aquele aquela aqueles aquelas aquilo
    eu tu ele ela voce voces eles elas me te se lhe lhes dele dela deles delas
    meu minha meus minhas teu tua seu sua seus suas nosso nossa nossos nossas
    sao ser sou foi foram era eram sido estar estou estao estava ter tem tenho tinha teve ha havia
    pode podem posso poderia deve devem devo fazer faz faco muito muita muitos muitas mais menos
    tambem ja nao sim tao todo toda todos todas outro outra outros outras mesmo mesma algum alguma cada
    ola obrigado obrigada favor quero queria gostaria saber dizer explicar`),
  sw: set(`na ya wa za la cha vya kwa katika ni si au lakini pia kama je
    hii huu hiyo hicho hiki hili haya hizi hawa hao huyu yule ile wale
    mimi wewe yeye sisi ninyi nyinyi wao
    wangu yangu langu changu vyangu zangu kwangu wako yako lako chako vyako zako
    wake yake lake chake vyake zake wetu yetu letu chetu zetu wenu yenu lenu chenu zenu yao lao chao vyao zao
    nini gani vipi wapi lini nani ipi kipi lipi upi yupi zipi
    ana nina una tuna mna wana kuna ndiyo ndio hapana tu sana zaidi hapa pale huko kule
    kwenye kuhusu baada kabla hadi mpaka bila ambaye ambao ambacho ambayo ambalo ambazo kuwa
    tafadhali habari naomba nataka ningependa kujua swali`),
  ar: set(`في من الي علي عن مع عند لدي حتي منذ بين بعد قبل خلال حول ضد دون تحت فوق
    و او ثم لكن بل اذا ان لان لو
    ما ماذا هل كيف متي اين اي
    هو هي هم هن انا انت انتم نحن هذا هذه ذلك تلك هولاء هناك هنا
    الذي التي الذين اللذان اللتان اللواتي اللاتي
    كان كانت يكون تكون كانوا قد لا لم لن ليس ليست
    كل بعض غير ايضا جدا فقط
    له لها لهم لي لك به بها فيه فيها منه منها عليه عليها عنه
    يا فضلك شكرا اريد اعرف اود ممكن يمكن نريد يتم`),
};

/**
 * Runs of stop words that together ask something, kept whole: "por qué" and "kwa nini" are "why",
 * which points to the causes section, though each of their words alone is scaffolding.
 */
export const QUESTION_PHRASES: Readonly<Record<LexiconLanguage, readonly (readonly string[])[]>> = {
  fr: [],
  es: [['por', 'que']],
  pt: [['por', 'que']],
  sw: [['kwa', 'nini']],
  ar: [],
};

/**
 * Whether a normalized word is a stop word. Arabic writes the conjunctions و and ف and pronoun
 * suffixes onto its function words (وهل، فما، عندي), so there the bare and stemmed forms count too.
 */
export function isStopWord(language: LexiconLanguage, word: string): boolean {
  const stops = STOP_WORDS[language];
  if (stops.has(word)) return true;
  if (language !== 'ar') return false;
  return (/^[وف]/.test(word) && stops.has(word.slice(1))) || stops.has(lightStem('ar', word));
}
