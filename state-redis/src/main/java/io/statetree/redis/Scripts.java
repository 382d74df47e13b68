package io.statetree.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * The Lua scripts, loaded from the class path, each with its SHA-1 for {@code EVALSHA}
 * (DESIGN §8). Each is {@code keys.lua} and {@code common.lua} followed by the helper pieces it uses
 * and its own text; the commit script runs its common case first (see {@link #COMMIT}).
 *
 * @param source the script text
 * @param bytes the script text as UTF-8
 * @param sha1 its SHA-1, lowercase hex
 */
record Scripts(String source, byte[] bytes, String sha1) {

	/**
	 * Commits writes: the commit of one leaf ({@code commitleaf.lua}) first, with only the helpers
	 * it shares with the general path ({@code commit.lua}, wrapped in a function made only when it
	 * runs).
	 */
	static final Scripts COMMIT = assemble(List.of("keys.lua", "entries.lua", "applied.lua", "lifetimeset.lua",
			"equality.lua", "commitleaf.lua"), List.of("common.lua", "clock.lua", "mutation.lua", "lifetimewrites.lua",
					"commit.lua"));

	/** Reads a subtree. */
	static final Scripts READ = load("clock.lua", "read.lua");

	/** Finds where the change feed starts. */
	static final Scripts POSITION = load("position.lua");

	/** Reads a subtree with the revision it reflects. */
	static final Scripts VERSIONED = load("clock.lua", "versioned.lua");

	/** Adds to an integer as one commit. */
	static final Scripts INCREMENT = load("clock.lua", "mutation.lua", "entries.lua", "lifetimeset.lua",
			"lifetimewrites.lua", "applied.lua", "increment.lua");

	/** Reads change stream entries after a revision. */
	static final Scripts HISTORY = load("history.lua");

	/** Renews leases and expires what is due. */
	static final Scripts SWEEP = load("clock.lua", "mutation.lua", "entries.lua", "lifetimeset.lua", "lifetimewrites.lua",
			"sweep.lua");

	/** Tells the time to live left at a path. */
	static final Scripts TTL = load("clock.lua", "ttl.lua");

	/** Lists every lifetime. */
	static final Scripts LIFETIMES = load("clock.lua", "lifetimes.lua");

	/** Keeps the progress of consumer groups. */
	static final Scripts GROUPS = load("clock.lua", "groups.lua");

	/** Every script, loaded into the server when a backend starts. */
	private static final List<Scripts> ALL = List.of(COMMIT, READ, POSITION, VERSIONED, INCREMENT, HISTORY, SWEEP, TTL,
			LIFETIMES, GROUPS);

	/**
	 * Loads every script into the server ({@code SCRIPT LOAD}).
	 * @param connection the connection
	 */
	static void loadAll(RedisConnection connection) {
		for (Scripts script : ALL) {
			connection.scriptingCommands().scriptLoad(script.bytes());
		}
	}

	/**
	 * Why {@code increment.lua} refused, from its reply (never quoting the value there).
	 * @param status the reply's status (2, 4, 5, 6 or 7)
	 * @param reply the reply
	 * @param delta the delta asked for
	 * @return the reason, starting with {@code ": "} or {@code " by "}
	 */
	static String incrementRefusal(long status, List<Object> reply, long delta) {
		if (status == 2) {
			return ": " + RedisCalls.string(reply.get(2)) + " holds a leaf value, not a branch";
		}
		if (status == 4) {
			return ": the value there is a branch, not an integer";
		}
		if (status == 5) {
			// the kind of value ("a string"), named by the script; never the value itself
			return ": the value there is " + RedisCalls.string(reply.get(1)) + ", not an integer";
		}
		if (status == 6) {
			return ": the integer there is outside the range of a long";
		}
		return " by " + delta + ": the sum overflows a long";
	}

	/**
	 * Assembles a script: {@code keys.lua} and {@code common.lua} (reading the tree), then the named
	 * pieces in order, the script itself last. Only the helpers a script may run are prepended: each
	 * of its local functions is a closure made again at every call, a cost the server pays per call.
	 */
	private static Scripts load(String... names) {
		StringBuilder text = new StringBuilder(resource("keys.lua")).append('\n').append(resource("common.lua"));
		for (String name : names) {
			text.append('\n').append(resource(name));
		}
		return of(text.toString());
	}

	/**
	 * Assembles a script with a fast path: the pieces of {@code first} (the last of which defines
	 * {@code commitLeaf()}), then the pieces of {@code general} as the body of a function
	 * {@code general()}, so that its closures are made only on the calls the fast path leaves to it.
	 */
	private static Scripts assemble(List<String> first, List<String> general) {
		StringBuilder text = new StringBuilder();
		for (String name : first) {
			text.append(resource(name)).append('\n');
		}
		text.append("local function general()\n");
		for (String name : general) {
			text.append(resource(name)).append('\n');
		}
		text.append("end\nreturn commitLeaf() or general()\n");
		return of(text.toString());
	}

	private static Scripts of(String source) {
		return new Scripts(source, source.getBytes(StandardCharsets.UTF_8), TreeCodec.sha1(source));
	}

	private static String resource(String name) {
		try (InputStream in = Scripts.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Script " + name + " is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read script " + name, ex);
		}
	}

}
