/** The part of jstat (https://github.com/jstat/jstat) that experiments/ and the tests use; the package ships no types. */
declare module 'jstat' {
  const jstat: { jStat: { studentt: { inv(p: number, dof: number): number }; chisquare: { inv(p: number, dof: number): number } } };
  export default jstat;
}
