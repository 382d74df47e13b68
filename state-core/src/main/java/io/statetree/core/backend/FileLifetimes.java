package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.statetree.core.StatePath;
import io.statetree.core.StateException;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lifetimes of a {@link FileSystemBackend} (DESIGN §12): which paths have a time to live
 * (and when it runs out) or belong to an instance (ephemeral), kept in memory on the monotonic
 * clock and on disk in {@code .statetree/lifetimes.json} with wall-clock due times (epoch ms,
 * converted at open with one offset per open, so rewriting the file never moves them).
 * <p>
 * {@link #after} computes, without changing anything, what a commit's writes make of the
 * lifetimes and the file operation storing them; the backend adds that operation to the commit's
 * own (so the intent log makes them succeed or fail together) and {@link #install}s the result
 * once written. Every ephemeral entry found at open was written by a process that is gone (the
 * directory lock admits one), so it is due at once. Reads go through {@link #withoutDue}; the
 * table is an immutable snapshot behind a volatile field, so the views are thread-safe; changes
 * happen under the backend's write lock.
 */
final class FileLifetimes implements ExpiringEntries {

	/** Below the backend's own directory: the lifetimes file. */
	static final String FILE = "lifetimes.json";

	private static final int VERSION = 1;

	private static final long LIVE = Long.MAX_VALUE;

	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	private final Path file;

	private final LongSupplier nanoClock;

	/** Epoch milliseconds minus monotonic milliseconds, fixed at open. */
	private final long wallAtOpen;

	private final long nanosAtOpen;

	private final Function<StatePath, @Nullable Object> reader;

	private volatile Table table;

	/**
	 * One lifetime: a time to live ({@code owner} null, due at {@code due} nanos) or an ephemeral
	 * entry ({@code due} {@link #LIVE} while its instance lives, or the open's time when found at open).
	 */
	record Entry(long due, @Nullable String owner) {
	}

	/** An immutable table and its earliest due time. */
	record Table(Map<StatePath, Entry> entries, long nextDue) {

		static final Table EMPTY = new Table(Map.of(), LIVE);

		static Table of(Map<StatePath, Entry> entries) {
			long next = LIVE;
			for (Entry entry : entries.values()) {
				next = Math.min(next, entry.due());
			}
			return new Table(Collections.unmodifiableMap(entries), next);
		}

	}

	/** What a commit makes of the lifetimes: the table to install and the operation storing it. */
	record Next(Table table, Op op) {
	}

	private FileLifetimes(Path file, Clock clock, LongSupplier nanoClock, Function<StatePath, @Nullable Object> reader) {
		this.file = file;
		this.nanoClock = nanoClock;
		this.reader = reader;
		this.nanosAtOpen = nanoClock.getAsLong();
		this.wallAtOpen = clock.millis();
	}

	/**
	 * Reads the lifetimes file (after the intent log was replayed).
	 * @param meta the backend's own directory
	 * @param clock the wall clock due times on disk are measured on
	 * @param nanoClock the monotonic clock
	 * @param reader reads a path as the backend does (due values hidden), for {@link #timeToLive}
	 * @return the lifetimes
	 * @throws StateStorageException naming the file when it cannot be read or is damaged
	 */
	static FileLifetimes open(Path meta, Clock clock, LongSupplier nanoClock, Function<StatePath, @Nullable Object> reader) {
		FileLifetimes lifetimes = new FileLifetimes(meta.resolve(FILE), clock, nanoClock, reader);
		lifetimes.table = lifetimes.load();
		return lifetimes;
	}

	private Table load() {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return Table.EMPTY;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read the lifetimes file " + this.file + ": " + ex, ex);
		}
		Map<StatePath, Entry> entries = new HashMap<>();
		try (JsonParser parser = MAPPER.createParser(bytes)) {
			if (!(JsonText.readStored(parser) instanceof Map<?, ?> map) || !(map.get("version") instanceof Number version)
					|| version.intValue() != VERSION || !(map.get("entries") instanceof List<?> list)) {
				throw damaged("it is not a version " + VERSION + " lifetimes file");
			}
			for (Object item : list) {
				if (!(item instanceof Map<?, ?> entry) || !(entry.get("path") instanceof List<?> segments)) {
					throw damaged("an entry has no path");
				}
				List<String> names = new ArrayList<>(segments.size());
				for (Object segment : segments) {
					if (!(segment instanceof String name)) {
						throw damaged("an entry's path holds a non-string segment");
					}
					names.add(name);
				}
				StatePath path = StatePath.ofSegments(names);
				if (entry.get("owner") instanceof String) {
					// written by a process that is gone: due now
					entries.put(path, new Entry(this.nanosAtOpen, (String) entry.get("owner")));
				}
				else if (entry.get("due") instanceof Number due) {
					entries.put(path, new Entry(toNanos(due.longValue()), null));
				}
				else {
					throw damaged("an entry has neither a due time nor an owner");
				}
			}
		}
		catch (JacksonException | StateException ex) {
			if (ex instanceof StateStorageException storage) {
				throw storage;
			}
			throw damaged("its JSON cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
		return Table.of(entries);
	}

	private StateStorageException damaged(String why) {
		return new StateStorageException("The lifetimes file " + this.file + " is damaged: " + why
				+ ". It is written atomically, so only a disk that lost data damages it; delete it to open the"
				+ " directory with every value permanent");
	}

	/** Monotonic nanos of a wall-clock due time, saturating far from now. */
	private long toNanos(long dueMillis) {
		long millis = Math.max(-Duration.ofDays(36_500).toMillis(), Math.min(Duration.ofDays(36_500).toMillis(),
				dueMillis - this.wallAtOpen));
		return this.nanosAtOpen + millis * 1_000_000L;
	}

	/** Wall-clock due time of monotonic nanos, rounded up so a restart never expires early. */
	private long toMillis(long dueNanos) {
		return this.wallAtOpen + -Math.floorDiv(-(dueNanos - this.nanosAtOpen), 1_000_000L);
	}

	// ---- committing (under the backend's write lock) ----

	/**
	 * Computes what writes make of the lifetimes (DESIGN §12): each write clears the lifetimes
	 * strictly below its path, and at its path sets its own ({@code null} or a delete: none,
	 * {@link Lifetime#KEEP}: what was there); ancestors keep theirs.
	 * @param writes the commit's writes, in order
	 * @return the new table and the operation storing it, or {@code null} when nothing changes
	 * (always when no lifetime exists and none is written: one check)
	 */
	@Nullable Next after(List<Write> writes) {
		Table current = this.table;
		if (current.entries().isEmpty() && !anyLifetime(writes)) {
			return null;
		}
		Map<StatePath, Entry> next = new HashMap<>(current.entries());
		boolean changed = false;
		long now = this.nanoClock.getAsLong();
		for (Write write : writes) {
			StatePath path = write.path();
			if (!next.isEmpty()) {
				changed |= next.keySet().removeIf(path::isAncestorOf);
			}
			Lifetime lifetime = write.lifetime();
			if (write.value() == null || lifetime == null) {
				changed |= next.remove(path) != null;
			}
			else if (lifetime.ttl() != null) {
				next.put(path, new Entry(saturatedAdd(now, lifetime.ttl().toNanos()), null));
				changed = true;
			}
			else if (lifetime.owner() != null) {
				changed |= !new Entry(LIVE, lifetime.owner()).equals(next.put(path, new Entry(LIVE, lifetime.owner())));
			}
		}
		if (!changed) {
			return null;
		}
		Table table = Table.of(next);
		Op op = next.isEmpty() ? new Op(Kind.DELETE, this.file, null, true) : new Op(Kind.PUT, this.file, encode(next), true);
		return new Next(table, op);
	}

	private static boolean anyLifetime(List<Write> writes) {
		for (Write write : writes) {
			if (write.lifetime() != null) {
				return true;
			}
		}
		return false;
	}

	private static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE - 1 : sum;
	}

	private byte[] encode(Map<StatePath, Entry> entries) {
		List<Map.Entry<StatePath, Entry>> sorted = new ArrayList<>(entries.entrySet());
		sorted.sort(Comparator.comparing(e -> e.getKey().toString()));
		List<Object> list = new ArrayList<>(sorted.size());
		for (Map.Entry<StatePath, Entry> entry : sorted) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("path", entry.getKey().segments());
			if (entry.getValue().owner() != null) {
				item.put("owner", entry.getValue().owner());
			}
			else {
				item.put("due", toMillis(entry.getValue().due()));
			}
			list.add(item);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("version", VERSION);
		body.put("entries", list);
		return MAPPER.writeValueAsBytes(body);
	}

	/**
	 * Makes a computed table current, once its operation is written.
	 * @param next what {@link #after} returned
	 */
	void install(Next next) {
		this.table = next.table();
	}

	// ---- reading ----

	private boolean anyDue(Table table, long now) {
		return table.nextDue() != LIVE && table.nextDue() - now <= 0;
	}

	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		Table table = this.table;
		if (value == null || table.nextDue() == LIVE) {
			return value;
		}
		long now = this.nanoClock.getAsLong();
		if (!anyDue(table, now)) {
			return value;
		}
		Object result = value;
		for (Map.Entry<StatePath, Entry> entry : table.entries().entrySet()) {
			if (entry.getValue().due() - now > 0) {
				continue;
			}
			StatePath due = entry.getKey();
			if (due.isAncestorOrSelf(path)) {
				return null;
			}
			if (path.isAncestorOf(due) && result != null) {
				result = StateValues.setIn(result, path, path.relativize(due), null);
			}
		}
		return result;
	}

	/**
	 * Hides from a listing the children that are due, or all of them when the path is.
	 * @param path the listed branch
	 * @param names the names on disk
	 * @return the names a read would show
	 */
	List<String> childNames(StatePath path, List<String> names) {
		Table table = this.table;
		if (names.isEmpty() || table.nextDue() == LIVE) {
			return names;
		}
		long now = this.nanoClock.getAsLong();
		if (!anyDue(table, now)) {
			return names;
		}
		List<String> kept = new ArrayList<>(names);
		for (Map.Entry<StatePath, Entry> entry : table.entries().entrySet()) {
			if (entry.getValue().due() - now > 0) {
				continue;
			}
			StatePath due = entry.getKey();
			if (due.isAncestorOrSelf(path)) {
				return List.of();
			}
			if (path.equals(due.parent())) {
				kept.remove(due.name());
			}
		}
		return Collections.unmodifiableList(kept);
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		Table table = this.table;
		if (table.entries().isEmpty()) {
			return null;
		}
		long now = this.nanoClock.getAsLong();
		long least = LIVE;
		for (StatePath at = path; at != null; at = at.parent()) {
			Entry entry = table.entries().get(at);
			if (entry == null) {
				continue;
			}
			if (entry.due() - now <= 0) {
				return null;
			}
			if (entry.owner() == null) {
				least = Math.min(least, entry.due() - now);
			}
		}
		if (least == LIVE || this.reader.apply(path) == null) {
			return null;
		}
		return Duration.ofNanos(Math.max(least, 1_000_000L));
	}

	@Override
	public long nanosUntilNextDue() {
		long next = this.table.nextDue();
		if (next == LIVE) {
			return Long.MAX_VALUE;
		}
		return Math.max(0, next - this.nanoClock.getAsLong());
	}

	@Override
	public List<StatePath> due() {
		Table table = this.table;
		long now = this.nanoClock.getAsLong();
		if (!anyDue(table, now)) {
			return List.of();
		}
		List<StatePath> due = new ArrayList<>();
		for (Map.Entry<StatePath, Entry> entry : table.entries().entrySet()) {
			if (entry.getValue().due() - now <= 0) {
				due.add(entry.getKey());
			}
		}
		return outermost(due);
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		List<StatePath> held = new ArrayList<>();
		for (Map.Entry<StatePath, Entry> entry : this.table.entries().entrySet()) {
			if (entry.getValue().due() == LIVE && owner.equals(entry.getValue().owner())) {
				held.add(entry.getKey());
			}
		}
		return outermost(held);
	}

	/** The paths none of the others is above, in path order. */
	private static List<StatePath> outermost(List<StatePath> paths) {
		if (paths.size() > 1) {
			paths.sort(Comparator.comparingInt(StatePath::depth));
		}
		List<StatePath> kept = new ArrayList<>(paths.size());
		for (StatePath path : paths) {
			boolean covered = false;
			for (StatePath outer : kept) {
				covered |= outer.isAncestorOf(path);
			}
			if (!covered) {
				kept.add(path);
			}
		}
		return Collections.unmodifiableList(kept);
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		long now = this.nanoClock.getAsLong();
		Map<StatePath, Lifetime> all = new HashMap<>();
		this.table.entries().forEach((path, entry) -> {
			if (entry.due() == LIVE) {
				all.put(path, Lifetime.ephemeral(entry.owner()));
			}
			else {
				all.put(path, Lifetime.ttl(Duration.ofNanos(Math.max(1, entry.due() - now))));
			}
		});
		return Collections.unmodifiableMap(all);
	}

	/**
	 * Tells whether the lifetimes file exists, for tests.
	 * @return whether it is on disk
	 */
	boolean stored() {
		return Files.exists(this.file, LinkOption.NOFOLLOW_LINKS);
	}

}
