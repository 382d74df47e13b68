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
 * directory lock admits one), so it is due at once: it becomes a time to live due at the open.
 * Reads go through {@link #withoutDue}; the {@link ExpiryIndex} is immutable behind a volatile
 * field, so the views are thread-safe; changes happen under the backend's write lock.
 */
final class FileLifetimes implements ExpiringEntries {

	/** Below the backend's own directory: the lifetimes file. */
	static final String FILE = "lifetimes.json";

	private static final int VERSION = 1;

	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	private final Path file;

	private final LongSupplier nanoClock;

	/** The wall clock at open (epoch ms) and the monotonic clock then: the one conversion used. */
	private final long wallAtOpen;

	private final long nanosAtOpen;

	private final Function<StatePath, @Nullable Object> reader;

	private volatile ExpiryIndex index = ExpiryIndex.EMPTY;

	/** What a commit makes of the lifetimes: the index to install and the operation storing it. */
	record Next(ExpiryIndex index, Op op) {
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
		lifetimes.index = lifetimes.load();
		// the writer is set up now, not in the first commit giving a time to live, which it would delay
		lifetimes.encode(Map.of(StatePath.ROOT, new ExpiryIndex.Entry(lifetimes.nanosAtOpen, null)));
		return lifetimes;
	}

	private ExpiryIndex load() {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(this.file);
		}
		catch (NoSuchFileException ex) {
			return ExpiryIndex.EMPTY;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read the lifetimes file " + this.file + ": " + ex, ex);
		}
		ExpiryIndex loaded = ExpiryIndex.EMPTY;
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
					// written by a process that is gone: due now, and stored so from now on
					loaded = loaded.with(path, this.nanosAtOpen, null);
				}
				else if (entry.get("due") instanceof Number due) {
					loaded = loaded.with(path, toNanos(due.longValue()), null);
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
		return loaded;
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
		ExpiryIndex current = this.index;
		if (current.isEmpty() && !anyLifetime(writes)) {
			return null;
		}
		long now = this.nanoClock.getAsLong();
		ExpiryIndex next = current;
		for (Write write : writes) {
			next = next.apply(write, now);
		}
		if (next == current) {
			return null;
		}
		Op op = next.isEmpty() ? new Op(Kind.DELETE, this.file, null, true)
				: new Op(Kind.PUT, this.file, encode(next.entries()), true);
		return new Next(next, op);
	}

	private static boolean anyLifetime(List<Write> writes) {
		for (Write write : writes) {
			if (write.lifetime() != null) {
				return true;
			}
		}
		return false;
	}

	private byte[] encode(Map<StatePath, ExpiryIndex.Entry> entries) {
		List<Map.Entry<StatePath, ExpiryIndex.Entry>> sorted = new ArrayList<>(entries.entrySet());
		sorted.sort(Comparator.comparing(e -> e.getKey().toString()));
		List<Object> list = new ArrayList<>(sorted.size());
		for (Map.Entry<StatePath, ExpiryIndex.Entry> entry : sorted) {
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
		this.index = next.index();
	}

	// ---- reading ----

	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		ExpiryIndex index = this.index;
		if (value == null || index.nextDue() == ExpiryIndex.NONE) {
			return value;
		}
		return index.withoutDue(path, value, this.nanoClock.getAsLong());
	}

	/**
	 * Hides from a listing the children that are due, or all of them when the path is.
	 * @param path the listed branch
	 * @param names the names on disk
	 * @return the names a read would show
	 */
	List<String> childNames(StatePath path, List<String> names) {
		ExpiryIndex index = this.index;
		if (names.isEmpty() || index.nextDue() == ExpiryIndex.NONE) {
			return names;
		}
		long now = this.nanoClock.getAsLong();
		if (index.nextDue(now) > now) {
			return names;
		}
		if (index.isDue(path, now)) {
			return List.of();
		}
		List<String> kept = new ArrayList<>(names.size());
		for (String name : names) {
			if (!index.isDue(path.child(name), now)) {
				kept.add(name);
			}
		}
		return Collections.unmodifiableList(kept);
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		ExpiryIndex index = this.index;
		if (index.nextDue() == ExpiryIndex.NONE) {
			return null;
		}
		long remaining = index.remaining(path, this.nanoClock.getAsLong());
		if (remaining == ExpiryIndex.NONE || remaining <= 0 || this.reader.apply(path) == null) {
			return null;
		}
		return Duration.ofNanos(Math.max(remaining, 1_000_000L));
	}

	@Override
	public long nanosUntilNextDue() {
		ExpiryIndex index = this.index;
		if (index.nextDue() == ExpiryIndex.NONE) {
			return Long.MAX_VALUE;
		}
		return index.nanosUntilNextDue(this.nanoClock.getAsLong());
	}

	@Override
	public List<StatePath> due() {
		ExpiryIndex index = this.index;
		if (index.nextDue() == ExpiryIndex.NONE) {
			return List.of();
		}
		return index.due(this.nanoClock.getAsLong());
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		return this.index.ephemeral(owner);
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		return this.index.lifetimes(this.nanoClock.getAsLong());
	}

	/**
	 * Tells whether the lifetimes file exists, for tests.
	 * @return whether it is on disk
	 */
	boolean stored() {
		return Files.exists(this.file, LinkOption.NOFOLLOW_LINKS);
	}

}
