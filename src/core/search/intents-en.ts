/**
 * What a question asks about, recognized from its wording, mapped to the words of the section titles
 * that answer it. Facts about English phrasing, written by the project. Cues match whole folded words
 * in order (stop words included, since "what is" carries the intent).
 */
export const SECTION_INTENTS: { cues: string[]; sections: string[] }[] = [
  { cues: ['symptom', 'symptoms', 'sign', 'signs', 'feel like', 'look like', 'presentation'], sections: ['symptoms', 'signs'] },
  {
    cues: [
      'treat',
      'treated',
      'treating',
      'treatment',
      'treatments',
      'therapy',
      'therapies',
      'cure',
      'cured',
      'medicine',
      'medicines',
      'medication',
      'medications',
      'drug',
      'drugs',
      'manage',
      'management',
      'dose',
      'dosage',
      'get rid',
      'remedy',
      'remedies',
    ],
    sections: ['treatment', 'management', 'therapy'],
  },
  {
    cues: [
      'diagnose',
      'diagnosed',
      'diagnosis',
      'diagnosing',
      'test',
      'tests',
      'testing',
      'exam',
      'exams',
      'detect',
      'detected',
      'screening',
      'find out if',
    ],
    sections: ['exams', 'tests', 'diagnosis'],
  },
  {
    cues: [
      'inherit',
      'inherited',
      'inheritance',
      'hereditary',
      'pass on',
      'passed on',
      'passed down',
      'run in families',
      'runs in families',
      'runs in the family',
    ],
    sections: ['inheritance'],
  },
  {
    cues: ['how many', 'how common', 'common is', 'prevalence', 'frequency', 'incidence', 'how rare', 'people affected', 'are affected'],
    sections: ['frequency'],
  },
  { cues: ['gene', 'genes', 'genetic', 'genetics', 'mutation', 'mutations', 'chromosome', 'dna'], sections: ['genetic', 'changes'] },
  { cues: ['cause', 'causes', 'caused', 'causing', 'why do', 'why does', 'reason', 'what leads'], sections: ['causes'] },
  {
    cues: ['outlook', 'prognosis', 'survival', 'life expectancy', 'recover', 'recovery', 'fatal', 'die from', 'long term'],
    sections: ['outlook', 'prognosis'],
  },
  { cues: ['risk', 'risks', 'who gets', 'more likely', 'susceptible'], sections: ['risk'] },
  { cues: ['prevent', 'prevented', 'prevention', 'preventing', 'avoid', 'vaccine', 'vaccination', 'protect'], sections: ['prevention'] },
  { cues: ['research', 'clinical trial', 'clinical trials', 'trials', 'studies', 'being done'], sections: ['research'] },
  { cues: ['stage', 'stages', 'staging'], sections: ['stages'] },
  { cues: ['complication', 'complications', 'lead to'], sections: ['complications'] },
  { cues: ['what to do', 'diet', 'eat', 'eating', 'nutrition', 'lifestyle', 'take care'], sections: ['considerations'] },
];

/** Asked when a question names a condition but no particular aspect of it ("what is X?"). */
export const DEFAULT_INTENT_SECTIONS = ['overview', 'summary', 'definition'];
