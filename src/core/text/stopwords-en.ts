/** Function words and question boilerplate that carry no meaning for retrieval. */
export const ENGLISH_STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren as at be because been before
being below between both but by can cannot could couldn did didn do does doesn doing don down during
each either else etc ever every few for from further get gets getting got had hadn has hasn have haven
having he her here hers herself him himself his how however i if in into is isn it its itself just
let me more most much must mustn my myself no nor not now of off often on once one only or other
ought our ours ourselves out over own please quite rather really same shall shan she should shouldn
so some such than that the their theirs them themselves then there these they this those through
thus to too under until up upon us very was wasn way we were weren what when where which while who
whom whose why will with won would wouldn yet you your yours yourself yourselves
hi hello thanks thank dear im ive id youre dont doesnt cant wont isnt arent wasnt
know tell want wondering wonder question questions anyone somebody someone something anything thing things
like maybe sure ok okay lot lots also already still even`
    .split(/\s+/)
    .filter(Boolean),
);
