package dev.sockerless.aca.testing;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A strict evaluator of the KQL subset the app sends, over in-memory tables: {@code union isfuzzy=true (q), (q)},
 * a table name, {@code where}, {@code project}, {@code order by}, {@code take}; expressions with {@code and},
 * {@code or}, {@code == != >= <= startswith matches regex *}, string literals (regular and verbatim), numbers,
 * {@code datetime(...)}, {@code real(null)}, and the functions {@code column_ifexists coalesce
 * unixtime_microseconds_todatetime round ingestion_time}. Anything else is a {@link KqlException} (the stand-in
 * answers 400, as the service does to bad KQL). A column that does not exist is an error too.
 * <p>
 * Semantics as the Kusto reference (learn.microsoft.com/kusto/query): {@code startswith} is case-insensitive;
 * {@code matches regex} is case-sensitive and true when the pattern matches anywhere in the string (RE2; the
 * patterns used are plain enough for {@link java.util.regex}); {@code coalesce} returns "the first non-null (or
 * non-empty for string) expression" and needs arguments of one type.
 */
public final class Kql {

    /** A query the service would refuse. */
    public static class KqlException extends RuntimeException {
        KqlException(String message) {
            super(message);
        }
    }

    /** A stored row: its cells, ingestion time and ingestion sequence. */
    public record Row(Map<String, Object> cells, Instant ingested) {}

    /** Tables by name, each with its column names. */
    public record Table(List<String> columns, List<Row> rows) {}

    /** The result: output columns in order, rows, and warnings (fuzzy union legs dropped). */
    public record Result(List<String> columns, List<Row> rows, List<String> warnings) {}

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final java.util.regex.Pattern DATETIME =
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z");

    final List<String> tokens;
    int pos;
    private final Map<String, Table> tables;
    final List<String> warnings = new ArrayList<>();
    private final Map<String, java.util.regex.Pattern> patterns = new java.util.HashMap<>();
    /** Rows examined: taken from a table, evaluated by a stage, sorted ({@link KqlIndex} counts its own). */
    private final AtomicLong examined;

    Kql(List<String> tokens, Map<String, Table> tables, AtomicLong examined) {
        this.tokens = tokens;
        this.tables = tables;
        this.examined = examined;
    }

    /** Evaluates {@code text} over every row of {@code tables}, stage by stage: the stand-in's reference semantics. */
    public static Result run(String text, Map<String, Table> tables) {
        return run(tokenize(text), tables, new AtomicLong());
    }

    static Result run(List<String> tokens, Map<String, Table> tables, AtomicLong examined) {
        Kql k = new Kql(tokens, tables, examined);
        Result r = k.query();
        k.end();
        return new Result(r.columns(), r.rows(), k.warnings);
    }

    /** Fails unless every token was read. */
    void end() {
        if (pos != tokens.size()) {
            throw new KqlException("Syntax error: unexpected '" + tokens.get(pos) + "'");
        }
    }

    // ---- tokens: identifiers, numbers, 'str', "str", @'str', @"str", DATETIME:..., operators

    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("datetime(", i)) {
                int end = s.indexOf(')', i);
                if (end < 0) {
                    throw new KqlException("Syntax error: unterminated datetime literal");
                }
                out.add("DATETIME:" + s.substring(i + 9, end).trim());
                i = end + 1;
            } else if (c == '@' && i + 1 < s.length() && (s.charAt(i + 1) == '\'' || s.charAt(i + 1) == '"')) {
                char q = s.charAt(i + 1);
                StringBuilder b = new StringBuilder();
                int j = i + 2;
                while (true) {
                    if (j >= s.length()) {
                        throw new KqlException("Syntax error: unterminated string literal");
                    }
                    char d = s.charAt(j);
                    if (d == '\n' || d == '\r') {
                        throw new KqlException("Syntax error: line break in a string literal");
                    }
                    if (d == q) {
                        if (j + 1 < s.length() && s.charAt(j + 1) == q) {
                            b.append(q);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    b.append(d);
                    j++;
                }
                out.add("STR:" + b);
                i = j + 1;
            } else if (c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= s.length()) {
                        throw new KqlException("Syntax error: unterminated string literal");
                    }
                    char d = s.charAt(j);
                    if (d == '\n' || d == '\r') {
                        throw new KqlException("Syntax error: line break in a string literal");
                    }
                    if (d == '\\') {
                        if (j + 1 >= s.length()) {
                            throw new KqlException("Syntax error: unterminated string literal");
                        }
                        char e = s.charAt(j + 1);
                        b.append(
                                switch (e) {
                                    case 'n' -> '\n';
                                    case 't' -> '\t';
                                    case '\\', '\'', '"' -> e;
                                    default -> throw new KqlException("Syntax error: unknown escape \\" + e);
                                });
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        break;
                    }
                    b.append(d);
                    j++;
                }
                i = j + 1;
                // adjacent literals concatenate, as in KQL
                if (!out.isEmpty() && out.get(out.size() - 1).startsWith("STR:")) {
                    out.set(out.size() - 1, out.get(out.size() - 1) + b);
                } else {
                    out.add("STR:" + b);
                }
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                out.add("NUM:" + s.substring(i, j));
                i = j;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals("==") || two.equals("!=") || two.equals(">=") || two.equals("<=")) {
                    out.add(two);
                    i += 2;
                } else if ("|(),=*".indexOf(c) >= 0) {
                    out.add(String.valueOf(c));
                    i++;
                } else {
                    throw new KqlException("Syntax error: unexpected character '" + c + "'");
                }
            }
        }
        return out;
    }

    private String peek() {
        return pos < tokens.size() ? tokens.get(pos) : "";
    }

    String next() {
        if (pos >= tokens.size()) {
            throw new KqlException("Syntax error: unexpected end of query");
        }
        return tokens.get(pos++);
    }

    private void expect(String t) {
        String n = next();
        if (!n.equals(t)) {
            throw new KqlException("Syntax error: expected '" + t + "' but found '" + n + "'");
        }
    }

    private String identifier() {
        String n = next();
        if (!NAME.matcher(n).matches()) {
            throw new KqlException("Syntax error: expected a name but found '" + n + "'");
        }
        return n;
    }

    // ---- tabular

    private Result query() {
        return pipe(source());
    }

    /** The stages from {@link #pos} (each {@code | operator ...}) over {@code r}. */
    Result pipe(Result r) {
        while (peek().equals("|")) {
            next();
            r = stage(r);
        }
        return r;
    }

    /** One stage, its operator at {@link #pos}. */
    Result stage(Result r) {
        String op = identifier();
        return switch (op) {
            case "where" -> where(r);
            case "project" -> project(r);
            case "order" -> order(r);
            case "take" -> take(r);
            default -> throw new KqlException("Unsupported operator in the stand-in: " + op);
        };
    }

    Result source() {
        String name = identifier();
        if (!name.equals("union")) {
            Table t = tables.get(name);
            if (t == null) {
                throw new MissingTable(name);
            }
            // the stored rows themselves: no stage changes a row (project makes new ones)
            examined.addAndGet(t.rows().size());
            return new Result(t.columns(), new ArrayList<>(t.rows()), List.of());
        }
        expect("isfuzzy");
        expect("=");
        expect("true");
        List<String> columns = null;
        List<Row> rows = new ArrayList<>();
        int legs = 0;
        do {
            if (legs > 0) {
                expect(",");
            }
            expect("(");
            int start = pos;
            try {
                Result leg = query();
                if (columns != null && !columns.equals(leg.columns())) {
                    throw new KqlException("union legs with different columns are not supported by the stand-in");
                }
                columns = leg.columns();
                rows.addAll(leg.rows());
            } catch (MissingTable e) {
                warnings.add("Failed to resolve table expression named '" + e.table + "'");
                pos = start;
                skipLeg();
            }
            expect(")");
            legs++;
        } while (peek().equals(","));
        if (columns == null) {
            throw new KqlException(
                    "union: must have at least one operand that can be evaluated successfully when running with 'Fuzzy' mode.");
        }
        return new Result(columns, rows, List.of());
    }

    private void skipLeg() {
        int depth = 0;
        while (pos < tokens.size()) {
            String t = tokens.get(pos);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                if (depth == 0) {
                    return;
                }
                depth--;
            }
            pos++;
        }
    }

    /** A table that does not exist (a fuzzy union drops its leg). */
    static final class MissingTable extends KqlException {
        final String table;

        MissingTable(String table) {
            super("Failed to resolve table or column expression named '" + table + "'");
            this.table = table;
        }
    }

    private Result where(Result in) {
        int start = pos;
        List<Row> out = new ArrayList<>();
        if (in.rows().isEmpty()) {
            parseOnly(in);
        }
        examined.addAndGet(in.rows().size());
        for (Row row : in.rows()) {
            pos = start;
            Object v = expr(in, row);
            if (!(v instanceof Boolean) && v != null) {
                throw new KqlException("where: the predicate is not a boolean");
            }
            if (Boolean.TRUE.equals(v)) {
                out.add(row);
            }
        }
        return new Result(in.columns(), out, List.of());
    }

    /** Parses (checks) an expression without rows, against a row of nulls. */
    private void parseOnly(Result in) {
        Map<String, Object> nulls = new LinkedHashMap<>();
        in.columns().forEach(c -> nulls.put(c, null));
        expr(in, new Row(nulls, null));
    }

    private Result project(Result in) {
        int start = pos;
        List<String> columns = new ArrayList<>();
        List<Row> out = new ArrayList<>();
        List<Row> source = in.rows().isEmpty() ? List.of(nullRow(in)) : in.rows();
        examined.addAndGet(in.rows().size());
        for (Row row : source) {
            pos = start;
            columns.clear();
            Map<String, Object> cells = new LinkedHashMap<>();
            do {
                if (!columns.isEmpty()) {
                    expect(",");
                }
                String name = identifier();
                expect("=");
                cells.put(name, expr(in, row));
                columns.add(name);
            } while (peek().equals(","));
            out.add(new Row(cells, row.ingested()));
        }
        return new Result(List.copyOf(columns), in.rows().isEmpty() ? List.of() : out, List.of());
    }

    private static Row nullRow(Result in) {
        Map<String, Object> nulls = new LinkedHashMap<>();
        in.columns().forEach(c -> nulls.put(c, null));
        return new Row(nulls, null);
    }

    /** A sort key of {@code order by}. */
    record OrderKey(String column, boolean descending) {}

    /** The keys of an {@code order by} at {@link #pos} (after the operator), checked against {@code in}'s columns. */
    List<OrderKey> orderKeys(Result in) {
        expect("by");
        List<OrderKey> keys = new ArrayList<>();
        do {
            if (!keys.isEmpty()) {
                expect(",");
            }
            String col = identifier();
            if (!in.columns().contains(col)) {
                throw new KqlException("Failed to resolve scalar expression named '" + col + "'");
            }
            String dir = next();
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw new KqlException("Syntax error: expected asc or desc");
            }
            keys.add(new OrderKey(col, dir.equals("desc")));
        } while (peek().equals(","));
        return keys;
    }

    /** The order of {@code keys}; a stable sort by it keeps full ties in their order. */
    static Comparator<Row> comparator(List<OrderKey> keys) {
        Comparator<Row> cmp = null;
        for (OrderKey key : keys) {
            String col = key.column();
            Comparator<Row> c = (a, b) -> compare(a.cells().get(col), b.cells().get(col));
            if (key.descending()) {
                c = c.reversed(); // nulls last for desc, first for asc, as KQL's defaults
            }
            cmp = cmp == null ? c : cmp.thenComparing(c);
        }
        return Objects.requireNonNull(cmp);
    }

    private Result order(Result in) {
        Comparator<Row> cmp = comparator(orderKeys(in));
        List<Row> rows = new ArrayList<>(in.rows());
        examined.addAndGet(rows.size());
        rows.sort(cmp); // stable: full ties keep ingestion order
        return new Result(in.columns(), rows, List.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a.getClass() != b.getClass()) {
            throw new KqlException("cannot compare " + a.getClass().getSimpleName() + " with "
                    + b.getClass().getSimpleName());
        }
        return ((Comparable) a).compareTo(b);
    }

    private Result take(Result in) {
        String n = next();
        if (!n.startsWith("NUM:") || n.contains(".")) {
            throw new KqlException("take: expected a whole number");
        }
        long count = Long.parseLong(n.substring(4));
        List<Row> rows = in.rows().subList(0, (int) Math.min(count, in.rows().size()));
        return new Result(in.columns(), new ArrayList<>(rows), List.of());
    }

    // ---- scalar

    private Object expr(Result in, Row row) {
        Object left = conjunction(in, row);
        while (peek().equals("or")) {
            next();
            Object right = conjunction(in, row);
            if (!(left instanceof Boolean || left == null) || !(right instanceof Boolean || right == null)) {
                throw new KqlException("or: operands must be boolean");
            }
            left = Boolean.TRUE.equals(left) || Boolean.TRUE.equals(right);
        }
        return left;
    }

    private Object conjunction(Result in, Row row) {
        Object left = comparison(in, row);
        while (peek().equals("and")) {
            next();
            Object right = comparison(in, row);
            if (!(left instanceof Boolean || left == null) || !(right instanceof Boolean || right == null)) {
                throw new KqlException("and: operands must be boolean");
            }
            left = Boolean.TRUE.equals(left) && Boolean.TRUE.equals(right);
        }
        return left;
    }

    private Object comparison(Result in, Row row) {
        Object left = product(in, row);
        String op = peek();
        if (!(op.equals("==")
                || op.equals("!=")
                || op.equals(">=")
                || op.equals("<=")
                || op.equals("startswith")
                || op.equals("matches"))) {
            return left;
        }
        next();
        if (op.equals("matches")) {
            expect("regex");
        }
        Object right = product(in, row);
        if (op.equals("matches")) {
            if (!(left instanceof String || left == null) || !(right instanceof String)) {
                throw new KqlException("matches regex: operands must be strings");
            }
            java.util.regex.Pattern p = patterns.computeIfAbsent((String) right, java.util.regex.Pattern::compile);
            return left != null && p.matcher((String) left).find();
        }
        if (op.equals("startswith")) {
            if (!(left instanceof String || left == null) || !(right instanceof String)) {
                throw new KqlException("startswith: operands must be strings");
            }
            return left != null && ((String) left).toLowerCase().startsWith(((String) right).toLowerCase());
        }
        if (left == null || right == null) {
            return op.equals("!=") ? left != right : left == right && op.equals("==");
        }
        if (left instanceof String != right instanceof String || left instanceof Instant != right instanceof Instant) {
            throw new KqlException("Cannot compare values of types " + type(left) + " and " + type(right));
        }
        int c = compare(left, right);
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case ">=" -> c >= 0;
            default -> c <= 0;
        };
    }

    private Object product(Result in, Row row) {
        Object left = primary(in, row);
        while (peek().equals("*")) {
            next();
            Object right = primary(in, row);
            if (left == null || right == null) {
                left = null;
                continue;
            }
            if (!(left instanceof Number a) || !(right instanceof Number b)) {
                throw new KqlException("*: operands must be numbers");
            }
            left = (a instanceof Double || b instanceof Double)
                    ? (Object) (a.doubleValue() * b.doubleValue())
                    : (Object) (a.longValue() * b.longValue());
        }
        return left;
    }

    private Object primary(Result in, Row row) {
        String t = next();
        if (t.startsWith("STR:")) {
            return t.substring(4);
        }
        if (t.startsWith("NUM:")) {
            String n = t.substring(4);
            return n.contains(".") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        }
        if (t.startsWith("DATETIME:")) {
            String v = t.substring(9);
            if (v.equals("null")) {
                return null;
            }
            return datetime(v);
        }
        if (t.equals("(")) {
            Object v = expr(in, row);
            expect(")");
            return v;
        }
        if (!NAME.matcher(t).matches()) {
            throw new KqlException("Syntax error: unexpected '" + t + "'");
        }
        if (!peek().equals("(")) {
            if (!in.columns().contains(t)) {
                throw new KqlException("Failed to resolve scalar expression named '" + t + "'");
            }
            return row.cells().get(t);
        }
        next();
        List<Object> args = new ArrayList<>();
        if (t.equals("real")) {
            expect("null");
            expect(")");
            return null;
        }
        if (t.equals("column_ifexists")) {
            String name = next();
            if (!name.startsWith("STR:")) {
                throw new KqlException("column_ifexists: the first argument must be a string literal");
            }
            expect(",");
            Object fallback = expr(in, row);
            expect(")");
            String col = name.substring(4);
            return in.columns().contains(col) ? row.cells().get(col) : fallback;
        }
        if (!peek().equals(")")) {
            do {
                if (!args.isEmpty()) {
                    expect(",");
                }
                args.add(expr(in, row));
            } while (peek().equals(","));
        }
        expect(")");
        return switch (t) {
            case "ingestion_time" -> {
                arity(t, args, 0);
                yield row.ingested();
            }
            case "coalesce" -> {
                if (args.size() < 2) {
                    throw new KqlException("coalesce: needs at least two arguments");
                }
                if (args.stream()
                                .filter(Objects::nonNull)
                                .map(Kql::type)
                                .distinct()
                                .count()
                        > 1) {
                    throw new KqlException("coalesce: all arguments must be of the same type");
                }
                yield args.stream()
                        .filter(a -> a != null && !"".equals(a))
                        .findFirst()
                        .orElse(args.get(0) instanceof String ? "" : null);
            }
            case "round" -> {
                arity(t, args, 1);
                Object a = args.get(0);
                if (a != null && !(a instanceof Number)) {
                    throw new KqlException("round: expects a number");
                }
                yield a == null ? null : (Object) (double) Math.round(((Number) a).doubleValue());
            }
            case "unixtime_microseconds_todatetime" -> {
                arity(t, args, 1);
                Object a = args.get(0);
                if (a != null && !(a instanceof Number)) {
                    throw new KqlException("unixtime_microseconds_todatetime: expects a number");
                }
                if (a == null) {
                    yield null;
                }
                long micros = Math.round(((Number) a).doubleValue());
                yield Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            }
            default -> throw new KqlException("Unknown function in the stand-in: '" + t + "'");
        };
    }

    /** A {@code datetime(...)} literal's value (not {@code null}), as the tokenizer keeps it. */
    static Instant datetime(String v) {
        if (!DATETIME.matcher(v).matches()) {
            throw new KqlException("Syntax error: invalid datetime literal '" + v + "'");
        }
        return OffsetDateTime.parse(v).toInstant();
    }

    /** Whether {@code token} is a name (a column, table or operator). */
    static boolean isName(String token) {
        return NAME.matcher(token).matches();
    }

    private static void arity(String f, List<Object> args, int n) {
        if (args.size() != n) {
            throw new KqlException(f + ": expects " + n + " argument(s)");
        }
    }

    static String type(Object v) {
        if (v instanceof Instant) {
            return "datetime";
        }
        if (v instanceof Double) {
            return "real";
        }
        if (v instanceof Long) {
            return "long";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        return "string";
    }
}
