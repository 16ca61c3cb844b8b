import { describe, expect, it } from "vitest";
import { splitStatements } from "./statement-splitter.ts";

describe("splitStatements", () => {
  it("splits on semicolons and trims; a single statement with or without its semicolon is one", () => {
    expect(splitStatements("COPY a FROM STDIN; COPY b FROM STDIN;\n COMMIT")).toEqual(["COPY a FROM STDIN", "COPY b FROM STDIN", "COMMIT"]);
    expect(splitStatements("SELECT 1")).toEqual(["SELECT 1"]);
    expect(splitStatements("SELECT 1;")).toEqual(["SELECT 1"]);
  });

  it("drops statements of only whitespace and comments, as the server does", () => {
    expect(splitStatements(";; SELECT 1 ;  ; -- nothing\n; /* nor */ ;SELECT 2")).toEqual(["SELECT 1", "SELECT 2"]);
    expect(splitStatements("")).toEqual([]);
    expect(splitStatements("  -- only a comment")).toEqual([]);
  });

  it("keeps semicolons inside single-quoted strings, with doubled quotes", () => {
    expect(splitStatements("INSERT INTO t VALUES ('a;b', 'it''s; fine'); SELECT ';'")).toEqual(["INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT ';'"]);
  });

  it("keeps semicolons inside escape strings, where a backslash escapes a quote", () => {
    expect(splitStatements("SELECT E'it\\'s; still' AS x; SELECT e'\\\\'; SELECT 2")).toEqual(["SELECT E'it\\'s; still' AS x", "SELECT e'\\\\'", "SELECT 2"]);
    // Not an escape string: the E ends an identifier, and standard strings take backslashes literally.
    expect(splitStatements("SELECT 'a\\'; SELECT 2")).toEqual(["SELECT 'a\\'", "SELECT 2"]);
  });

  it("keeps semicolons inside double-quoted identifiers, with doubled quotes", () => {
    expect(splitStatements('SELECT 1 AS "a;""b"; SELECT 2')).toEqual(['SELECT 1 AS "a;""b"', "SELECT 2"]);
  });

  it("keeps semicolons inside dollar-quoted strings, tagged or not, and knows $1 and a$b$ are no quotes", () => {
    const body = "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN PERFORM 1; RETURN $$x;$$::int; END $fn$ LANGUAGE plpgsql";
    expect(splitStatements(`${body}; SELECT 1`)).toEqual([body, "SELECT 1"]);
    expect(splitStatements("DO $$ BEGIN NULL; END $$; SELECT 2")).toEqual(["DO $$ BEGIN NULL; END $$", "SELECT 2"]);
    expect(splitStatements("SELECT $1; SELECT $2")).toEqual(["SELECT $1", "SELECT $2"]);
    expect(splitStatements("SELECT a$b$ FROM t; SELECT 3")).toEqual(["SELECT a$b$ FROM t", "SELECT 3"]);
  });

  it("ignores semicolons in line comments and in nested block comments", () => {
    expect(splitStatements("SELECT 1 -- not here; nor here\n; SELECT 2")).toEqual(["SELECT 1 -- not here; nor here", "SELECT 2"]);
    expect(splitStatements("SELECT /* a; /* nested; */ still; */ 1; SELECT 2")).toEqual(["SELECT /* a; /* nested; */ still; */ 1", "SELECT 2"]);
  });

  it("keeps an unterminated quote or comment with its statement, for the server to reject", () => {
    expect(splitStatements("SELECT 1; SELECT 'open; SELECT 2")).toEqual(["SELECT 1", "SELECT 'open; SELECT 2"]);
    expect(splitStatements("SELECT 1; /* open; SELECT 2")).toEqual(["SELECT 1", "/* open; SELECT 2"]);
    expect(splitStatements("SELECT $q$ open; SELECT 2")).toEqual(["SELECT $q$ open; SELECT 2"]);
  });
});
