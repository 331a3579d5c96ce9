package dev.sockerless.aca.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How the Log Analytics stand-in answers a page of the app's log queries in O(page) rather than O(table), with the
 * result {@link Kql#run} gives over the visible rows, and nothing else. The queries it speeds up have the shape the
 * app sends ({@code ContainerLogsKql.page}/{@code tail}, {@code FollowPlan.kql}): a table or a fuzzy union of legs
 * ({@code Table | where/project ...}), {@code where}/{@code project} stages, {@code order by}, {@code take N}, then
 * any stages. For them:
 * <ul>
 *   <li>A dry run of the whole query over the same tables without rows makes every check that does not depend on
 *   the data (syntax, names, functions, literals, each stage's evaluation on a row of nulls, as the evaluator does
 *   on an empty input), and gives the warnings (fuzzy-union legs dropped).</li>
 *   <li>The rows before {@code order by} are memoized over every stored row (not only the rows the timespan leaves),
 *   each with the stored row it comes from, by the evaluator itself, a row at a time; the <em>cursor</em> stage
 *   ({@code where C >= datetime(a)}, {@code C <= datetime(b)}, or both joined by {@code and}) is left out of the
 *   memo, which is what makes one memo serve every page. Filters commute when nothing fails, and a row's
 *   projection depends only on that row.</li>
 *   <li>The memo is sorted once by the {@code order by} keys (stable: full ties keep their order, as the evaluator's
 *   stable sort). A query then finds the cursor's range by binary search when the first key is the cursor column,
 *   and takes its first {@code N} rows that the timespan leaves visible. The stages after {@code take} are evaluated
 *   on those rows as before.</li>
 *   <li>A leg starting with a cursor-shaped {@code where} on a stored column (the follow poll's
 *   {@code TimeGenerated >= ...}) reads only that range of the table, through an index kept per column.</li>
 * </ul>
 * Anything that could make the two differ sends the query to {@link Kql#run} over the visible rows (so its answer,
 * error included, is the evaluator's): another shape, any exception in the dry run, the memo or the rest, a value
 * in a cursor or sort column that is not of the one kind the comparison accepts (the evaluator would fail on some
 * pairs), a cursor literal {@code datetime(null)}. Memo rows that fail are therefore never skipped silently: a
 * failure on any stored row (even outside the timespan) falls back. Memos are per stored table object and row
 * count (the stand-in only appends rows, and replaces a table to add a column); the last {@value #MEMOS} are kept.
 */
final class KqlIndex {

    private static final int MEMOS = 4;
    /** Rows appended since a column index was built that are inserted one by one; more: the index is rebuilt. */
    private static final int INSERTS = 256;

    /** Rows examined: visited in a memo, an index or a table, evaluated by a stage, sorted, copied. */
    final AtomicLong examined = new AtomicLong();
    /** Queries answered from a memo (the others by the evaluator over the visible rows). */
    final AtomicLong answered = new AtomicLong();

    private final Map<String, Memo> memos = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Memo> eldest) {
            return size() > MEMOS;
        }
    };
    private final Map<String, ColumnIndex> columns = new HashMap<>();

    /** {@code text} over the rows of {@code stored} that {@code visible} accepts. */
    Kql.Result run(String text, Map<String, Kql.Table> stored, Predicate<Kql.Row> visible) {
        List<String> tokens = Kql.tokenize(text);
        Kql.Result fast;
        try {
            fast = fast(tokens, stored, visible);
        } catch (RuntimeException e) {
            fast = null; // the evaluator decides, over the visible rows
        }
        return fast != null ? fast : reference(tokens, stored, visible);
    }

    private Kql.Result reference(List<String> tokens, Map<String, Kql.Table> stored, Predicate<Kql.Row> visible) {
        Map<String, Kql.Table> shown = new LinkedHashMap<>();
        stored.forEach((name, t) -> {
            List<Kql.Row> rows = new ArrayList<>();
            for (Kql.Row r : t.rows()) {
                if (visible.test(r)) {
                    rows.add(r);
                }
            }
            examined.addAndGet(t.rows().size());
            shown.put(name, new Kql.Table(t.columns(), rows));
        });
        return Kql.run(tokens, shown, examined);
    }

    private Kql.@Nullable Result fast(List<String> tokens, Map<String, Kql.Table> stored, Predicate<Kql.Row> visible) {
        Shape shape = Shape.of(tokens);
        if (shape == null) {
            return null;
        }
        Map<String, Kql.Table> empty = new HashMap<>();
        stored.forEach((name, t) -> empty.put(name, new Kql.Table(t.columns(), List.of())));
        Kql dry = new Kql(tokens, empty, examined);
        Kql.Result before = dry.source();
        for (int i = 0; i < shape.order(); i++) {
            dry.next();
            before = dry.stage(before);
        }
        List<String> columns = before.columns();
        dry.pipe(before);
        dry.end();
        List<String> warnings = List.copyOf(dry.warnings);

        String key = shape.memoKey(tokens);
        Memo memo = memos.get(key);
        if (memo == null || !memo.current(shape, stored)) {
            memo = memo(shape, tokens, stored);
            memos.put(key, memo);
        }
        if (memo.rows == null) {
            return null;
        }
        Stage order = shape.top().get(shape.order());
        Kql k = new Kql(tokens, stored, examined);
        k.pos = order.op() + 1;
        List<Kql.OrderKey> keys = k.orderKeys(new Kql.Result(columns, List.of(), List.of()));
        int[] sorted = memo.sorted(keys, examined);
        if (sorted == null) {
            return null;
        }
        Stage take = shape.top().get(shape.order() + 1);
        long count = Long.parseLong(tokens.get(take.op() + 1).substring(4));
        Cursor cursor = shape.cursor();
        int lo = 0;
        int hi = sorted.length;
        if (cursor != null && keys.get(0).column().equals(cursor.column())) {
            boolean desc = keys.get(0).descending();
            lo = firstTrue(sorted, lo, hi, memo.rows, r -> !cursor.before(r, desc));
            hi = firstTrue(sorted, lo, hi, memo.rows, r -> cursor.after(r, desc));
        }
        List<Kql.Row> out = new ArrayList<>();
        for (int i = lo; i < hi && out.size() < count; i++) {
            examined.incrementAndGet();
            Kql.Row row = memo.rows.get(sorted[i]);
            if (visible.test(memo.origins.get(sorted[i])) && (cursor == null || cursor.test(row))) {
                out.add(row);
            }
        }
        k.pos = take.end();
        Kql.Result result = k.pipe(new Kql.Result(columns, out, List.of()));
        k.end();
        answered.incrementAndGet();
        return new Kql.Result(result.columns(), result.rows(), warnings);
    }

    /** The first index in {@code [lo, hi)} whose row satisfies {@code p}, which holds for a suffix of the range. */
    private int firstTrue(int[] sorted, int lo, int hi, List<Kql.Row> rows, Predicate<Kql.Row> p) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            examined.incrementAndGet();
            if (p.test(rows.get(sorted[mid]))) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Builds the memo of the rows reaching {@code order by}, from every stored row, by the evaluator. */
    private Memo memo(Shape shape, List<String> tokens, Map<String, Kql.Table> stored) {
        Memo memo = new Memo(shape, stored);
        Kql k = new Kql(tokens, stored, examined);
        List<Kql.Row> rows = new ArrayList<>();
        List<Kql.Row> origins = new ArrayList<>();
        Cursor cursor = shape.cursor();
        try {
            for (Leg leg : shape.legs()) {
                Kql.Table t = stored.get(leg.table());
                if (t == null) {
                    continue; // a fuzzy union's missing leg (the dry run has its warning)
                }
                for (int p : positions(leg, t)) {
                    Kql.Row stored1 = t.rows().get(p);
                    Kql.Result cur = stages(k, leg.stages(), new Kql.Result(t.columns(), List.of(stored1), List.of()));
                    for (int s = 0; cur != null && s < shape.order(); s++) {
                        Stage stage = shape.top().get(s);
                        if (cursor != null && stage == cursor.stage()) {
                            Object v = cur.rows().get(0).cells().get(cursor.column());
                            if (v != null && !(v instanceof Instant)) {
                                return memo; // the evaluator would fail comparing it: no memo
                            }
                        } else {
                            cur = stages(k, List.of(stage), cur);
                        }
                    }
                    if (cur != null) {
                        rows.add(cur.rows().get(0));
                        origins.add(stored1);
                    }
                }
            }
        } catch (RuntimeException e) {
            return memo; // the evaluator fails on some stored row: it answers (it may not see that row)
        }
        memo.rows = rows;
        memo.origins = origins;
        return memo;
    }

    /** {@code stages} over one row; null once it is filtered out. */
    private static Kql.@Nullable Result stages(Kql k, List<Stage> stages, Kql.Result in) {
        Kql.Result cur = in;
        for (Stage stage : stages) {
            k.pos = stage.op();
            cur = k.stage(cur);
            if (cur.rows().isEmpty()) {
                return null;
            }
        }
        return cur;
    }

    /** The rows of {@code t} the leg's stages may keep, in stored order: all, or the range of its first stage. */
    private int[] positions(Leg leg, Kql.Table t) {
        Cursor scan = leg.scan();
        if (scan != null) {
            ColumnIndex index = columns.get(leg.table() + "\0" + scan.column());
            if (index == null || index.table != t) {
                index = new ColumnIndex(t, scan.column());
                columns.put(leg.table() + "\0" + scan.column(), index);
            }
            int[] range = index.range(scan, examined);
            if (range != null) {
                return range;
            }
        }
        examined.addAndGet(t.rows().size());
        int[] all = new int[t.rows().size()];
        Arrays.setAll(all, i -> i);
        return all;
    }

    // ---- the query's shape

    /** A stage: its operator's token and the end of its tokens (exclusive). */
    record Stage(int op, int end) {}

    /** A union leg (or the query's table): its table and stages; {@code scan}: its first stage, if cursor-shaped. */
    record Leg(String table, List<Stage> stages, @Nullable Cursor scan) {}

    /**
     * {@code where C >= datetime(from)}, {@code where C <= datetime(to)} or both joined by {@code and}: true for a
     * row whose {@code C} is a datetime in the range (null never is), as the evaluator compares them.
     */
    record Cursor(
            Stage stage,
            String column,
            @Nullable Instant from,
            @Nullable Instant to) {

        static @Nullable Cursor of(List<String> tokens, Stage stage) {
            List<String> t = tokens.subList(stage.op(), stage.end());
            if (!t.get(0).equals("where") || !Kql.isName(t.get(1))) {
                return null;
            }
            String column = t.get(1);
            if (t.size() == 4 && (t.get(2).equals(">=") || t.get(2).equals("<="))) {
                Instant v = literal(t.get(3));
                return v == null
                        ? null
                        : t.get(2).equals(">=")
                                ? new Cursor(stage, column, v, null)
                                : new Cursor(stage, column, null, v);
            }
            if (t.size() == 8
                    && t.get(2).equals(">=")
                    && t.get(4).equals("and")
                    && t.get(5).equals(column)
                    && t.get(6).equals("<=")) {
                Instant from = literal(t.get(3));
                Instant to = literal(t.get(7));
                return from == null || to == null ? null : new Cursor(stage, column, from, to);
            }
            return null;
        }

        private static @Nullable Instant literal(String token) {
            if (!token.startsWith("DATETIME:") || token.equals("DATETIME:null")) {
                return null;
            }
            return Kql.datetime(token.substring(9));
        }

        boolean test(Kql.Row row) {
            return test(row.cells().get(column));
        }

        boolean test(@Nullable Object v) {
            return v instanceof Instant i && (from == null || !i.isBefore(from)) && (to == null || !i.isAfter(to));
        }

        /** Whether {@code row} sorts before the range, in an order whose first key is this column. */
        boolean before(Kql.Row row, boolean descending) {
            Object v = row.cells().get(column);
            return descending
                    ? v instanceof Instant i && to != null && i.isAfter(to)
                    : !(v instanceof Instant i) || from != null && i.isBefore(from);
        }

        /** Whether {@code row} sorts after the range. */
        boolean after(Kql.Row row, boolean descending) {
            Object v = row.cells().get(column);
            return descending
                    ? !(v instanceof Instant i) || from != null && i.isBefore(from)
                    : v instanceof Instant i && to != null && i.isAfter(to);
        }
    }

    /** The legs, the top-level stages, which of them is {@code order by} (a {@code take} follows), the cursor. */
    record Shape(
            List<Leg> legs,
            List<Stage> top,
            int order,
            @Nullable Cursor cursor) {

        static @Nullable Shape of(List<String> tokens) {
            List<Leg> legs = new ArrayList<>();
            int i;
            if (tokens.size() >= 4 && tokens.get(0).equals("union")) {
                if (!tokens.subList(1, 4).equals(List.of("isfuzzy", "=", "true"))) {
                    return null;
                }
                i = 4;
                while (true) {
                    if (i >= tokens.size() || !tokens.get(i).equals("(")) {
                        return null;
                    }
                    int close = close(tokens, i);
                    Leg leg = close < 0 ? null : leg(tokens, i + 1, close);
                    if (leg == null) {
                        return null;
                    }
                    legs.add(leg);
                    i = close + 1;
                    if (i < tokens.size() && tokens.get(i).equals(",")) {
                        i++;
                        continue;
                    }
                    break;
                }
            } else {
                if (tokens.isEmpty() || !Kql.isName(tokens.get(0))) {
                    return null;
                }
                legs.add(new Leg(tokens.get(0), List.of(), null));
                i = 1;
            }
            List<Stage> top = stages(tokens, i, tokens.size());
            if (top == null) {
                return null;
            }
            int order = 0;
            while (order < top.size() && rowWise(tokens, top.get(order))) {
                order++;
            }
            if (order + 1 >= top.size()
                    || !tokens.get(top.get(order).op()).equals("order")
                    || !tokens.get(top.get(order + 1).op()).equals("take")) {
                return null;
            }
            Cursor cursor = null;
            for (int s = 0; s < order && cursor == null; s++) {
                boolean wheresAfter = true;
                for (int later = s + 1; later < order; later++) {
                    wheresAfter &= tokens.get(top.get(later).op()).equals("where");
                }
                cursor = wheresAfter ? Cursor.of(tokens, top.get(s)) : null;
            }
            return new Shape(List.copyOf(legs), top, order, cursor);
        }

        private static @Nullable Leg leg(List<String> tokens, int from, int to) {
            if (from >= to || !Kql.isName(tokens.get(from)) || tokens.get(from).equals("union")) {
                return null;
            }
            List<Stage> stages = stages(tokens, from + 1, to);
            if (stages == null || !stages.stream().allMatch(s -> rowWise(tokens, s))) {
                return null;
            }
            Cursor scan = stages.isEmpty() ? null : Cursor.of(tokens, stages.get(0));
            return new Leg(tokens.get(from), stages, scan);
        }

        private static boolean rowWise(List<String> tokens, Stage s) {
            String op = tokens.get(s.op());
            return op.equals("where") || op.equals("project");
        }

        /** The stages {@code | op ...} in {@code [from, to)}, split at the pipes outside parentheses. */
        private static @Nullable List<Stage> stages(List<String> tokens, int from, int to) {
            List<Stage> out = new ArrayList<>();
            int i = from;
            while (i < to) {
                if (!tokens.get(i).equals("|") || i + 1 >= to) {
                    return null;
                }
                int j = i + 1;
                int depth = 0;
                while (j < to && !(depth == 0 && tokens.get(j).equals("|"))) {
                    depth += tokens.get(j).equals("(") ? 1 : tokens.get(j).equals(")") ? -1 : 0;
                    j++;
                }
                out.add(new Stage(i + 1, j));
                i = j;
            }
            return out;
        }

        /** The index of the parenthesis closing the one at {@code open}, or -1. */
        private static int close(List<String> tokens, int open) {
            int depth = 0;
            for (int i = open; i < tokens.size(); i++) {
                depth += tokens.get(i).equals("(") ? 1 : tokens.get(i).equals(")") ? -1 : 0;
                if (depth == 0) {
                    return i;
                }
            }
            return -1;
        }

        /** What the memo depends on: every token before {@code order by} except the cursor stage's. */
        String memoKey(List<String> tokens) {
            int end = top.get(order).op() - 1;
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < end; i++) {
                if (cursor != null
                        && i >= cursor.stage().op() - 1
                        && i < cursor.stage().end()) {
                    if (i == cursor.stage().op()) {
                        b.append("\u0001cursor:").append(cursor.column()).append('\u0002');
                    }
                    continue;
                }
                b.append(tokens.get(i)).append('\u0002');
            }
            return b.toString();
        }
    }

    // ---- memos and indexes

    /** The rows reaching {@code order by} and the stored rows they come from; null rows: the evaluator decides. */
    private static final class Memo {
        private final Kql.@Nullable Table[] tables;
        private final int[] sizes;

        @Nullable
        List<Kql.Row> rows;

        @Nullable
        List<Kql.Row> origins;

        private final Map<List<Kql.OrderKey>, int @Nullable []> sorted = new HashMap<>();

        Memo(Shape shape, Map<String, Kql.Table> stored) {
            tables = new Kql.Table[shape.legs().size()];
            sizes = new int[tables.length];
            for (int i = 0; i < tables.length; i++) {
                tables[i] = stored.get(shape.legs().get(i).table());
                sizes[i] = tables[i] == null ? 0 : tables[i].rows().size();
            }
        }

        /** Whether the legs' tables are still the same objects with the same rows (rows are only appended). */
        boolean current(Shape shape, Map<String, Kql.Table> stored) {
            for (int i = 0; i < tables.length; i++) {
                Kql.Table t = stored.get(shape.legs().get(i).table());
                if (t != tables[i] || (t != null && t.rows().size() != sizes[i])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The memo's positions in the order of {@code keys} (stable), or null when a key column holds values of
         * more than one kind (numbers are one kind, every other class its own), which the evaluator may fail to
         * compare.
         */
        int @Nullable [] sorted(List<Kql.OrderKey> keys, AtomicLong examined) {
            List<Kql.Row> memoRows = java.util.Objects.requireNonNull(rows);
            return sorted.computeIfAbsent(List.copyOf(keys), k -> {
                for (Kql.OrderKey key : k) {
                    Object kind = null;
                    for (Kql.Row r : memoRows) {
                        Object v = r.cells().get(key.column());
                        Object vk = v == null ? null : v instanceof Number ? Number.class : v.getClass();
                        if (vk != null && kind != null && vk != kind) {
                            return null;
                        }
                        kind = vk != null ? vk : kind;
                    }
                }
                examined.addAndGet(memoRows.size());
                Comparator<Kql.Row> cmp = Kql.comparator(k);
                Integer[] order = new Integer[memoRows.size()];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, (a, b) -> cmp.compare(memoRows.get(a), memoRows.get(b))); // stable
                return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
            });
        }
    }

    /**
     * A stored table's rows with a datetime in {@code column}, by (value, position); rows appended since are added
     * when next asked. Unusable (null ranges) when the column holds anything but datetimes and nulls.
     */
    private static final class ColumnIndex {
        final Kql.Table table;
        private final String column;
        private int indexed;
        private boolean typed = true;
        private int[] byValue = new int[0];
        private int count;

        ColumnIndex(Kql.Table table, String column) {
            this.table = table;
            this.column = column;
        }

        private Instant value(int position) {
            return (Instant) java.util.Objects.requireNonNull(
                    table.rows().get(position).cells().get(column));
        }

        /** The stored positions in the cursor's range, ascending; null when the column is not all datetimes. */
        int @Nullable [] range(Cursor scan, AtomicLong examined) {
            update(examined);
            if (!typed) {
                return null;
            }
            int lo = 0;
            int hi = count;
            if (scan.from() != null) {
                lo = bound(scan.from(), false, examined);
            }
            if (scan.to() != null) {
                hi = Math.max(lo, bound(scan.to(), true, examined));
            }
            examined.addAndGet(hi - lo);
            int[] out = Arrays.copyOfRange(byValue, lo, hi);
            Arrays.sort(out);
            return out;
        }

        /** The first index whose value is at or after ({@code after}: after) {@code v}. */
        private int bound(Instant v, boolean after, AtomicLong examined) {
            int lo = 0;
            int hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                examined.incrementAndGet();
                int c = value(byValue[mid]).compareTo(v);
                if (c > 0 || (c == 0 && !after)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        private void update(AtomicLong examined) {
            int size = table.rows().size();
            if (size == indexed || !typed) {
                return;
            }
            examined.addAndGet(size - indexed);
            List<Integer> added = new ArrayList<>();
            for (int p = indexed; p < size; p++) {
                Object v = table.rows().get(p).cells().get(column);
                if (v != null && !(v instanceof Instant)) {
                    typed = false;
                    return;
                }
                if (v != null) {
                    added.add(p);
                }
            }
            if (added.size() <= INSERTS) {
                for (int p : added) {
                    int at = bound(value(p), true, examined); // after equal values: positions ascend
                    if (count == byValue.length) {
                        byValue = Arrays.copyOf(byValue, Math.max(16, count * 2));
                    }
                    System.arraycopy(byValue, at, byValue, at + 1, count - at);
                    byValue[at] = p;
                    count++;
                }
            } else {
                Integer[] all = new Integer[count + added.size()];
                for (int i = 0; i < count; i++) {
                    all[i] = byValue[i];
                }
                for (int i = 0; i < added.size(); i++) {
                    all[count + i] = added.get(i);
                }
                Arrays.sort(all, Comparator.comparing(this::value).thenComparing(Integer::intValue));
                byValue = Arrays.stream(all).mapToInt(Integer::intValue).toArray();
                count = byValue.length;
            }
            indexed = size;
        }
    }
}
