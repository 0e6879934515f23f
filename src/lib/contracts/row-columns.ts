/**
 * The column list of a row type, checked by the compiler both ways: every entry is a key of the
 * row, and every key of the row is listed (a missing one is named in the error). The list is what
 * tests compare with the live table, so the row type and the table cannot drift apart unnoticed.
 */
export function rowColumns<Row>() {
  return <const C extends readonly (keyof Row & string)[]>(
    columns: C &
      ([Exclude<keyof Row, C[number]>] extends [never]
        ? unknown
        : { missingColumns: Exclude<keyof Row, C[number]> }),
  ): C => columns;
}
