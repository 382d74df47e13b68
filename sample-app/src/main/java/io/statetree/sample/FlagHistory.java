package io.statetree.sample;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The flags' history over HTTP, at {@code GET /api/flags/changes?after=<revision>}: every change
 * to a flag committed after a revision, oldest first, read from the controller's history
 * ({@link StateController#history}). A client that read {@code /api/flags} at a revision catches up
 * from it; flags hold no secret, so their values are shown (users' tokens never are).
 */
@RestController
public class FlagHistory {

	private static final StatePath FLAGS = StatePath.of("/flags");

	private final StateController state;

	/**
	 * Creates the API.
	 * @param state the state controller
	 */
	public FlagHistory(StateController state) {
		this.state = state;
	}

	/**
	 * Lists the flag changes after a revision.
	 * @param after the revision to read after, 0 for the oldest the history keeps
	 * @return the changes, oldest first, at most those of 100 commits
	 */
	@GetMapping("/api/flags/changes")
	public List<FlagChange> changes(@RequestParam(defaultValue = "0") long after) {
		// history refuses a negative revision with IllegalArgumentException: a 400 (ApiErrors)
		List<FlagChange> changes = new ArrayList<>();
		for (Commit commit : this.state.history(after, 100)) {
			for (ChangedPath change : commit.changes()) {
				StatePath path = change.path();
				if (path.equals(FLAGS) || FLAGS.isAncestorOf(path)) {
					changes.add(new FlagChange(commit.revision(), commit.actor(), path.toString(), change.oldValue(),
							change.newValue()));
				}
				else if (path.isAncestorOf(FLAGS)) {
					// a write above the flags (the initial state, at the root): its flags part
					StatePath relative = StatePath.ofSegments(FLAGS.segments().subList(path.depth(), FLAGS.depth()));
					Object before = StateValues.getIn(change.oldValue(), relative);
					Object now = StateValues.getIn(change.newValue(), relative);
					if (!StateValues.equal(before, now)) {
						changes.add(new FlagChange(commit.revision(), commit.actor(), FLAGS.toString(), before, now));
					}
				}
			}
		}
		return changes;
	}

	/**
	 * One change to the flags.
	 * @param revision the commit's revision
	 * @param actor who made it, when known
	 * @param path the flag's path, or {@code /flags} for several at once
	 * @param oldValue the value before
	 * @param newValue the value after ({@code null}: deleted)
	 */
	public record FlagChange(long revision, @Nullable String actor, String path, @Nullable Object oldValue,
			@Nullable Object newValue) {
	}

}
