package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Write;

/**
 * Encodes the lifetimes of a commit's writes as the commit script's last arguments (DESIGN §12):
 * the lease timeout in ms, then {@code 0} when every write is permanent (the common case: one
 * {@code null} check per write), or the number of writes and each one's lifetime ({@code ''}
 * permanent, {@code K} keep, {@code T<ms>} time to live, {@code E<owner>} ephemeral); the caller
 * then adds the expiry flag.
 */
final class LifetimeArgs {

	private static final byte[] NONE = bytes("0");

	private static final byte[] PERMANENT = new byte[0];

	private static final byte[] KEEP = bytes("K");

	private LifetimeArgs() {
	}

	/**
	 * Appends the arguments.
	 * @param writes the commit's writes
	 * @param leases the backend's leases
	 * @param args the script arguments so far
	 * @return whether a write has a time to live or is ephemeral
	 */
	static boolean append(List<Write> writes, Leases leases, List<byte[]> args) {
		args.add(leases.timeoutBytes());
		int first = -1;
		for (int i = 0; i < writes.size(); i++) {
			if (writes.get(i).lifetime() != null) {
				first = i;
				break;
			}
		}
		if (first < 0) {
			args.add(NONE);
			return false;
		}
		boolean any = false;
		args.add(bytes(Integer.toString(writes.size())));
		for (Write write : writes) {
			Lifetime lifetime = write.lifetime();
			if (lifetime == null) {
				args.add(PERMANENT);
			}
			else if (lifetime.isEphemeral()) {
				args.add(bytes("E" + lifetime.owner()));
				any = true;
			}
			else if (lifetime.ttl() != null) {
				args.add(bytes("T" + Math.max(1, lifetime.ttl().toMillis())));
				any = true;
			}
			else {
				args.add(KEEP);
			}
		}
		return any;
	}

	/**
	 * Tells whether a write has a time to live or is ephemeral (what {@link #append} returns).
	 * @param writes the commit's writes
	 * @return {@code true} when the sweep must run after the commit
	 */
	static boolean hasLifetimes(List<Write> writes) {
		for (Write write : writes) {
			Lifetime lifetime = write.lifetime();
			if (lifetime != null && (lifetime.isEphemeral() || lifetime.ttl() != null)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Notes the owners of a committed commit's ephemeral writes in the leases (their lease keys
	 * were set by the commit).
	 * @param writes the writes
	 * @param leases the backend's leases
	 */
	static void noteOwners(List<Write> writes, Leases leases) {
		for (Write write : writes) {
			Lifetime lifetime = write.lifetime();
			if (lifetime != null && lifetime.isEphemeral()) {
				leases.note(lifetime.owner());
			}
		}
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
