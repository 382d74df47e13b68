package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Calls the scripts that write ({@code commit.lua}, {@code increment.lua}) for a
 * {@link RedisBackend}: builds their arguments (writes, preconditions, lifetimes, the expiry flag)
 * and turns their replies into a result or the exception that says why nothing was written.
 * Thread-safe (immutable but for the shared revision and lease records it is given).
 */
final class WriteScripts {

	private static final int PRECONDITION_RETRIES = 5;

	private static final byte[] NO_ACTOR = new byte[0];

	private static final byte[] NOT_CAUSED = bytes("0");

	private static final byte[] EXPIRY = bytes("1");

	private static final byte[] NOT_EXPIRY = bytes("0");

	private final RedisConnectionFactory factory;

	private final String connectionName;

	private final Keys keys;

	private final byte[] backendIdBytes;

	private final byte[] retentionBytes;

	private final long maxValueBytes;

	private final Leases leases;

	private final OwnRevisions ownRevisions;

	/** Called after a commit that wrote a lifetime: the sweep must run. */
	private final Runnable onLifetimes;

	WriteScripts(RedisConnectionFactory factory, String connectionName, Keys keys, byte[] backendIdBytes,
			byte[] retentionBytes, long maxValueBytes, Leases leases, OwnRevisions ownRevisions, Runnable onLifetimes) {
		this.factory = factory;
		this.connectionName = connectionName;
		this.keys = keys;
		this.backendIdBytes = backendIdBytes;
		this.retentionBytes = retentionBytes;
		this.maxValueBytes = maxValueBytes;
		this.leases = leases;
		this.ownRevisions = ownRevisions;
		this.onLifetimes = onLifetimes;
	}

	/** One commit: see {@link RedisBackend#commit(CommitRequest)}. */
	CommitResult commit(CommitRequest request) {
		TreeCodec.EncodedWrites encoded = TreeCodec.encodeWrites(request.writes(), this.maxValueBytes);
		List<Precondition> preconditions = request.preconditions();
		String[] tokens = new String[preconditions.size()];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = TreeCodec.sha1(TreeCodec.readForm(preconditions.get(i).expected()));
		}
		for (int attempt = 0;; attempt++) {
			List<byte[]> args = new ArrayList<>(10 + 2 * tokens.length + encoded.distinct().size());
			args.add(this.backendIdBytes);
			args.add(bytes(request.origin()));
			args.add(this.retentionBytes);
			args.add(bytes(encoded.text()));
			args.add(actor(request.actor()));
			args.add(causedBy(request.causedBy()));
			args.add(bytes(Integer.toString(tokens.length)));
			for (int i = 0; i < tokens.length; i++) {
				args.add(bytes(preconditions.get(i).path().toString()));
				args.add(bytes(tokens[i]));
			}
			args.add(bytes(Integer.toString(encoded.distinct().size())));
			for (StatePath path : encoded.distinct()) {
				args.add(bytes(path.toString()));
			}
			boolean withLifetimes = LifetimeArgs.append(request.writes(), this.leases, args);
			args.add(request.expiry() ? EXPIRY : NOT_EXPIRY);
			List<Object> reply = RedisCalls.script(this.factory, this.connectionName, Scripts.COMMIT, this.keys.all(),
					args.toArray(new byte[0][]));
			long status = (Long) reply.get(0);
			if (status == 1) {
				// a commit that wrote nothing (values equal to those stored) took no revision: it
				// reports 0, so the controller skips none (the current one may be another instance's)
				long revision = (reply.size() > 3) ? (Long) reply.get(1) : 0;
				if (revision != 0) {
					this.ownRevisions.record(revision);
				}
				if (withLifetimes) {
					LifetimeArgs.noteOwners(request.writes(), this.leases);
					this.onLifetimes.run();
				}
				String before = RedisCalls.string(reply.get(2));
				return new CommitResult(revision, TreeCodec.changes(request.writes(), encoded.distinct(), before));
			}
			if (status == 3) {
				Object value = request.writes().get((int) (long) (Long) reply.get(1) - 1).value();
				throw new StateWriteException("Cannot write " + describe(value) + " at /: the root is always a branch");
			}
			if (status == 2) {
				String path = RedisCalls.string(reply.get(1));
				String leaf = RedisCalls.string(reply.get(2));
				throw new StateWriteException("Cannot write " + path + ": " + leaf
						+ " holds a leaf value, not a branch");
			}
			int index = (int) (long) (Long) reply.get(1) - 1;
			Precondition failed = preconditions.get(index);
			String currentForm = RedisCalls.string(reply.get(2));
			Object current = TreeCodec.decodeRead(currentForm, failed.path());
			if (attempt >= PRECONDITION_RETRIES || !StateValues.equal(current, failed.expected())) {
				throw new PreconditionFailedException(failed.path());
			}
			// Equal as JSON but stored differently (key order, number spelling): compare with what is stored.
			tokens[index] = TreeCodec.sha1(currentForm);
		}
	}

	/** One increment: see {@link RedisBackend#increment(StatePath, long, CommitRequest)}. */
	CommitResult increment(StatePath path, long delta, CommitRequest context) {
		List<Object> reply = RedisCalls.script(this.factory, this.connectionName, Scripts.INCREMENT, this.keys.all(),
				this.backendIdBytes, bytes(context.origin()), this.retentionBytes, bytes(path.toString()),
				bytes(Long.toString(delta)), actor(context.actor()), causedBy(context.causedBy()));
		long status = (Long) reply.get(0);
		if (status == 1) {
			// adding 0 wrote nothing and took no revision (a fifth element says so): reported as 0
			long revision = (reply.size() > 4) ? 0 : (Long) reply.get(1);
			if (revision != 0) {
				this.ownRevisions.record(revision);
			}
			Object before = (reply.get(2) != null) ? TreeCodec.parseJson(RedisCalls.string(reply.get(2)), path.toString())
					: null;
			Object after = TreeCodec.parseJson(RedisCalls.string(reply.get(3)), path.toString());
			return new CommitResult(revision, List.of(new Change(path, before, after, null)));
		}
		throw new StateWriteException("Cannot increment " + path + Scripts.incrementRefusal(status, reply, delta)
				+ "; nothing was written");
	}

	private static String describe(@Nullable Object value) {
		return (value instanceof List<?>) ? "an array" : "a " + value.getClass().getSimpleName();
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	/** The actor argument of the scripts: empty when unknown (an actor is never blank). */
	private static byte[] actor(@Nullable String actor) {
		return (actor != null) ? bytes(actor) : NO_ACTOR;
	}

	/** The causing-revision argument of the scripts. */
	private static byte[] causedBy(long revision) {
		return (revision == 0) ? NOT_CAUSED : bytes(Long.toString(revision));
	}

}
