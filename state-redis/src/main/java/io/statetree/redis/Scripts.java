package io.statetree.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts, loaded from the class path, each with its SHA-1 for {@code EVALSHA}
 * (DESIGN §8).
 *
 * @param source the script text
 * @param bytes the script text as UTF-8
 * @param sha1 its SHA-1, lowercase hex
 */
record Scripts(String source, byte[] bytes, String sha1) {

	/** Commits writes. */
	static final Scripts COMMIT = load("equality.lua", "commit.lua");

	/** Reads a subtree. */
	static final Scripts READ = load("read.lua");

	/** Finds where the change feed starts. */
	static final Scripts POSITION = load("position.lua");

	/** Reads a subtree with the revision it reflects. */
	static final Scripts VERSIONED = load("versioned.lua");

	/** Adds to an integer as one commit. */
	static final Scripts INCREMENT = load("increment.lua");

	/** Reads change stream entries after a revision. */
	static final Scripts HISTORY = load("history.lua");

	/** Renews leases and expires what is due. */
	static final Scripts SWEEP = load("sweep.lua");

	/** Tells the time to live left at a path. */
	static final Scripts TTL = load("ttl.lua");

	/** Lists every lifetime. */
	static final Scripts LIFETIMES = load("lifetimes.lua");

	private static Scripts load(String... names) {
		StringBuilder text = new StringBuilder(resource("common.lua"));
		for (String name : names) {
			text.append('\n').append(resource(name));
		}
		String source = text.toString();
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
