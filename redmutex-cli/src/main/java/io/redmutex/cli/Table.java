package io.redmutex.cli;

import java.util.List;

/** Plain text tables: columns padded to their widest cell, two spaces apart, no trailing blanks. */
final class Table {
  private Table() {}

  /**
   * Renders {@code rows} (the first is the header). Cells that look like numbers are right-aligned.
   */
  static String render(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        if (c > 0) {
          line.append("  ");
        }
        String cell = row[c];
        String pad = " ".repeat(widths[c] - cell.length());
        line.append(row != rows.get(0) && isNumber(cell) ? pad + cell : cell + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static boolean isNumber(String cell) {
    return cell.matches("-?\\d+(\\.\\d+)?(ms|s|%)?");
  }
}
