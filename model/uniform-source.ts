/** A source of uniform draws in the open interval (0, 1). */
export interface UniformSource {
  next(): number;
}
