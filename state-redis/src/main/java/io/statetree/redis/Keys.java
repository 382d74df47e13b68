package io.statetree.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of one namespace, all under the hash tag {@code {<namespace>}} so that they live
 * in one cluster slot (DESIGN §8).
 *
 * @param namespace the namespace
 * @param tree hash: canonical path to node
 * @param pos hash: path to its member in {@code kids}
 * @param kids sorted set of children, ordered by insertion
 * @param revision the namespace revision counter
 * @param sequence the counter that orders children
 * @param changes the change stream
 * @param due sorted set: path with a time to live, scored by its due time (server epoch ms)
 * @param life sorted set: every path with a lifetime, score 0 (prefix scans)
 * @param eph hash: ephemeral path to its owner
 * @param ephown sorted set: {@code <owner>\0<path>} per ephemeral path, score 0
 * @param owners set: the owners of ephemeral entries (each has a lease key while alive)
 */
record Keys(String namespace, byte[] tree, byte[] pos, byte[] kids, byte[] revision, byte[] sequence,
		byte[] changes, byte[] due, byte[] life, byte[] eph, byte[] ephown, byte[] owners) {

	/**
	 * Builds the keys of a namespace.
	 * @param namespace the namespace
	 * @return its keys
	 */
	static Keys of(String namespace) {
		String prefix = "{" + namespace + "}:";
		return new Keys(namespace, bytes(prefix + "tree"), bytes(prefix + "pos"), bytes(prefix + "kids"),
				bytes(prefix + "rev"), bytes(prefix + "seq"), bytes(prefix + "changes"), bytes(prefix + "due"),
				bytes(prefix + "life"), bytes(prefix + "eph"), bytes(prefix + "ephown"), bytes(prefix + "owners"));
	}

	/**
	 * The lease key of an owner of ephemeral entries (the scripts build the same name).
	 * @param owner the instance id
	 * @return the key
	 */
	byte[] lease(String owner) {
		return bytes("{" + this.namespace + "}:lease:" + owner);
	}

	/**
	 * The keys of the consumer groups script ({@code groups.lua}): the groups hash (name to
	 * pattern) and the group floors hash (name to lowest cursor), which the commit scripts read to
	 * keep the change stream entries a group still needs.
	 * @return the keys
	 */
	byte[][] groups() {
		return new byte[][] { bytes("{" + this.namespace + "}:groups"), bytes("{" + this.namespace + "}:groupfloor") };
	}

	/**
	 * The prefix of a consumer group's keys (the script appends {@code cursor}, {@code owner}...).
	 * @param group the group's name (letters, digits and {@code . _ -} only)
	 * @return <code>{namespace}:group:&lt;name&gt;:</code>
	 */
	byte[] groupPrefix(String group) {
		return bytes("{" + this.namespace + "}:group:" + group + ":");
	}

	/**
	 * All keys in the order the scripts expect them.
	 * @return the keys
	 */
	byte[][] all() {
		return new byte[][] { this.tree, this.pos, this.kids, this.revision, this.sequence, this.changes, this.due,
				this.life, this.eph, this.ephown, this.owners };
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
