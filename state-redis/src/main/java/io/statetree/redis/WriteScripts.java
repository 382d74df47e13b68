package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * Calls the scripts that write ({@code commit.lua}, {@code increment.lua}) for a
 * {@link RedisBackend}: builds their arguments (writes, preconditions, lifetimes, the expiry flag,
 * the cascade depth, the commit number) and turns their replies into a result or the exception
 * that says why nothing was written. Each call runs under its own commit number through
 * {@link NumberedCalls}, so a reply lost to a dropped connection is resolved (the call is sent
 * again and the script answers with the outcome it recorded) rather than reported as a failure, and
 * a call is never applied twice. Thread-safe (immutable but for the shared revision, lease and
 * commit number records it is given).
 */
final class WriteScripts {

	private static final int PRECONDITION_RETRIES = 5;

	private static final byte[] NO_ACTOR = new byte[0];

	private static final byte[] NOT_CAUSED = bytes("0");

	private static final byte[] EXPIRY = bytes("1");

	private static final byte[] NOT_EXPIRY = bytes("0");

	private final NumberedCalls calls;

	private final CommitIds ids;

	private final byte[] backendIdBytes;

	private final byte[] retentionBytes;

	private final long maxValueBytes;

	private final Leases leases;

	private final OwnRevisions ownRevisions;

	/** Called after a commit that wrote a lifetime: the sweep must run. */
	private final Runnable onLifetimes;

	WriteScripts(NumberedCalls calls, byte[] backendIdBytes, byte[] retentionBytes, long maxValueBytes, Leases leases,
			OwnRevisions ownRevisions, Runnable onLifetimes) {
		this.calls = calls;
		this.ids = calls.ids();
		this.backendIdBytes = backendIdBytes;
		this.retentionBytes = retentionBytes;
		this.maxValueBytes = maxValueBytes;
		this.leases = leases;
		this.ownRevisions = ownRevisions;
		this.onLifetimes = onLifetimes;
	}

	/** One commit: see {@link RedisBackend#commit(CommitRequest)}. */
	CommitResult commit(CommitRequest request) {
		return AsyncScripts.join(commitAsync(request));
	}

	/**
	 * One commit without holding the caller's thread (the one commit implementation: the
	 * synchronous {@link #commit} waits for it). The revision is recorded as this backend's own
	 * and the commit number closed before the future completes, so the change feed skips the
	 * entry and the next call's watermark is right whichever of several calls in flight ends
	 * first.
	 * @param request the writes and preconditions
	 * @return a future of the result, failing with what {@link RedisBackend#commit} throws; never
	 * throws itself
	 */
	CompletableFuture<CommitResult> commitAsync(CommitRequest request) {
		TreeCodec.EncodedWrites encoded;
		try {
			encoded = TreeCodec.encodeWrites(request.writes(), this.maxValueBytes);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		List<Precondition> preconditions = request.preconditions();
		String[] tokens = new String[preconditions.size()];
		try {
			for (int i = 0; i < tokens.length; i++) {
				tokens[i] = TreeCodec.sha1(TreeCodec.readForm(preconditions.get(i).expected()));
			}
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		long counter = this.ids.open();
		CompletableFuture<CommitResult> result = new CompletableFuture<>();
		attempt(request, encoded, tokens, counter, 0, result);
		// closed before the caller hears the outcome
		return result.whenComplete((done, failure) -> this.ids.close(counter));
	}

	private void attempt(CommitRequest request, TreeCodec.EncodedWrites encoded, String[] tokens, long counter,
			int attempt, CompletableFuture<CommitResult> result) {
		CompletableFuture<NumberedCalls.Outcome> sent;
		try {
			sent = this.calls.callAsync(Scripts.COMMIT, counter, args(request, encoded, tokens, counter));
		}
		catch (RuntimeException ex) {
			result.completeExceptionally(ex);
			return;
		}
		sent.whenComplete((outcome, failure) -> {
			if (failure != null) {
				result.completeExceptionally(AsyncScripts.unwrap(failure));
				return;
			}
			try {
				CommitResult done = settle(request, encoded, tokens, attempt, outcome);
				if (done != null) {
					result.complete(done);
				}
				else {
					// a precondition equal as JSON but stored differently: sent again, off Lettuce's
					// I/O thread (fetching a connection may wait)
					CompletableFuture.runAsync(() -> attempt(request, encoded, tokens, counter, attempt + 1, result));
				}
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
	}

	private byte[][] args(CommitRequest request, TreeCodec.EncodedWrites encoded, String[] tokens, long counter) {
		// a call refused by a failed precondition applied nothing: the next one keeps the number
		List<Precondition> preconditions = request.preconditions();
		List<byte[]> args = new ArrayList<>(13 + 2 * tokens.length + encoded.distinct().size());
		args.add(this.backendIdBytes);
		args.add(bytes(request.origin()));
		args.add(this.retentionBytes);
		args.add(bytes(encoded.text()));
		args.add(actor(request.actor()));
		args.add(causedBy(request.causedBy()));
		args.add(bytes(Long.toString(counter)));
		args.add(bytes(Long.toString(this.ids.watermark())));
		args.add(number(request.depth()));
		args.add(bytes(Integer.toString(tokens.length)));
		for (int i = 0; i < tokens.length; i++) {
			args.add(bytes(preconditions.get(i).path().toString()));
			args.add(bytes(tokens[i]));
		}
		args.add(bytes(Integer.toString(encoded.distinct().size())));
		for (StatePath path : encoded.distinct()) {
			args.add(bytes(path.toString()));
		}
		LifetimeArgs.append(request.writes(), this.leases, args);
		args.add(request.expiry() ? EXPIRY : NOT_EXPIRY);
		return args.toArray(new byte[0][]);
	}

	/**
	 * Turns a commit's outcome into its result, or the exception saying why nothing was written.
	 * @return the result, or {@code null} when the call must be sent again with {@code tokens}
	 * updated (a precondition equal as JSON to what is stored, stored differently)
	 */
	private @Nullable CommitResult settle(CommitRequest request, TreeCodec.EncodedWrites encoded, String[] tokens,
			int attempt, NumberedCalls.Outcome outcome) {
		List<Object> reply = outcome.reply();
		StreamEntry entry = outcome.entry();
		long status = (reply != null) ? (Long) reply.get(0) : 1;
		if (status == 1) {
			// a commit that wrote nothing (values equal to those stored) took no revision: it
			// reports 0, so the controller skips none (the current one may be another instance's)
			long revision;
			String before;
			if (reply != null) {
				revision = (reply.size() > 3) ? (Long) reply.get(1) : 0;
				before = RedisCalls.string(reply.get(2));
			}
			else {
				// the reply was lost and the feed read the commit's entry: it was applied
				revision = entry.revision();
				before = entry.before();
			}
			if (revision != 0) {
				this.ownRevisions.record(revision);
			}
			if (LifetimeArgs.hasLifetimes(request.writes())) {
				LifetimeArgs.noteOwners(request.writes(), this.leases);
				this.onLifetimes.run();
			}
			return new CommitResult(revision, TreeCodec.changes(request.writes(), encoded.distinct(), before));
		}
		if (status == 3) {
			Object value = request.writes().get((int) (long) (Long) reply.get(1) - 1).value();
			throw new StateWriteException("Cannot write " + describe(value) + " at /: the root is always a branch");
		}
		if (status == 2) {
			String path = RedisCalls.string(reply.get(1));
			String leaf = RedisCalls.string(reply.get(2));
			throw new StateWriteException("Cannot write " + path + ": " + leaf + " holds a leaf value, not a branch");
		}
		List<Precondition> preconditions = request.preconditions();
		int index = (int) (long) (Long) reply.get(1) - 1;
		Precondition failed = preconditions.get(index);
		String currentForm = RedisCalls.string(reply.get(2));
		Object current = TreeCodec.decodeRead(currentForm, failed.path());
		if (attempt >= PRECONDITION_RETRIES || !StateValues.equal(current, failed.expected())) {
			throw new PreconditionFailedException(failed.path());
		}
		// Equal as JSON but stored differently (key order, number spelling): compare with what is stored.
		tokens[index] = TreeCodec.sha1(currentForm);
		return null;
	}

	/** One increment: see {@link RedisBackend#increment(StatePath, long, CommitRequest)}. */
	CommitResult increment(StatePath path, long delta, CommitRequest context) {
		long counter = this.ids.open();
		try {
			return increment(path, delta, context, counter);
		}
		finally {
			this.ids.close(counter);
		}
	}

	private CommitResult increment(StatePath path, long delta, CommitRequest context, long counter) {
		NumberedCalls.Outcome outcome = this.calls.call(Scripts.INCREMENT, counter, new byte[][] { this.backendIdBytes,
			bytes(context.origin()), this.retentionBytes, bytes(path.toString()), bytes(Long.toString(delta)),
			actor(context.actor()), causedBy(context.causedBy()), bytes(Long.toString(counter)),
			bytes(Long.toString(this.ids.watermark())), number(context.depth()) });
		StreamEntry entry = outcome.entry();
		if (entry != null) {
			// the reply was lost and the feed read the increment's entry: it was applied
			this.ownRevisions.record(entry.revision());
			return new CommitResult(entry.revision(), entry.changes());
		}
		List<Object> reply = outcome.reply();
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

	/** A count argument of the scripts (the cascade depth). */
	private static byte[] number(int n) {
		return (n == 0) ? NOT_CAUSED : bytes(Integer.toString(n));
	}

	/** The causing-revision argument of the scripts. */
	private static byte[] causedBy(long revision) {
		return (revision == 0) ? NOT_CAUSED : bytes(Long.toString(revision));
	}

}
