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
 */
record Keys(String namespace, byte[] tree, byte[] pos, byte[] kids, byte[] revision, byte[] sequence,
		byte[] changes) {

	/**
	 * Builds the keys of a namespace.
	 * @param namespace the namespace
	 * @return its keys
	 */
	static Keys of(String namespace) {
		String prefix = "{" + namespace + "}:";
		return new Keys(namespace, bytes(prefix + "tree"), bytes(prefix + "pos"), bytes(prefix + "kids"),
				bytes(prefix + "rev"), bytes(prefix + "seq"), bytes(prefix + "changes"));
	}

	/**
	 * All keys in the order the scripts expect them.
	 * @return the keys
	 */
	byte[][] all() {
		return new byte[][] { this.tree, this.pos, this.kids, this.revision, this.sequence, this.changes };
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
