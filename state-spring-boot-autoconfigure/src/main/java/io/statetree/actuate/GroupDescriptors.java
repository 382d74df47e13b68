package io.statetree.actuate;

import java.util.ArrayList;
import java.util.List;

import io.statetree.actuate.StateTreeAccess.CallerAccess;
import io.statetree.actuate.StateTreeGroupsEndpoint.DeadLetterDescriptor;
import io.statetree.actuate.StateTreeGroupsEndpoint.GroupDescriptor;
import io.statetree.core.DeadLetter;
import io.statetree.core.StateController;
import io.statetree.core.StateController.GroupStatus;
import org.jspecify.annotations.Nullable;

/**
 * Describes a controller's durable group listeners (DESIGN §13) for the endpoints: each group
 * with its pattern, members, pending and dead-letter counts, and a group's dead letters as a
 * caller may see them. Shared by the {@code statetree} overview and the {@code statetreegroups}
 * endpoint.
 */
final class GroupDescriptors {

	private GroupDescriptors() {
	}

	/**
	 * Lists the groups the controller knows, by name.
	 */
	static List<GroupDescriptor> groups(StateController controller) {
		List<GroupStatus> statuses = controller.groups();
		List<GroupDescriptor> groups = new ArrayList<>(statuses.size());
		for (GroupStatus status : statuses) {
			String pattern = status.pattern().isEmpty() ? null : status.pattern();
			groups.add(new GroupDescriptor(status.group(), pattern, status.members(), status.pending(),
					status.deadLetters()));
		}
		return groups;
	}

	/**
	 * Lists a group's dead letters a caller may see: those at paths it may read, their errors
	 * shown only to a caller shown values and only for a path that is not sensitive and whose
	 * current value holds nothing sensitive (else the exception's class alone, since an
	 * application's message may quote a value).
	 * @throws IllegalArgumentException if the name is not a valid group name
	 */
	static List<DeadLetterDescriptor> deadLetters(StateController controller, String group, CallerAccess caller) {
		List<DeadLetterDescriptor> letters = new ArrayList<>();
		for (DeadLetter letter : controller.deadLetters(group)) {
			if (caller.mayRead(letter.path())) {
				boolean message = showsMessage(controller, letter, caller);
				letters.add(new DeadLetterDescriptor(letter.id(), letter.group(), letter.path().toString(),
						letter.revision(), letter.attempts(), message ? letter.error() : exceptionClass(letter.error())));
			}
		}
		return letters;
	}

	/**
	 * Finds one of a group's dead letters.
	 * @return the dead letter, or {@code null} when the group parks none with that id
	 * @throws IllegalArgumentException if the name is not a valid group name
	 */
	static @Nullable DeadLetter find(StateController controller, String group, String id) {
		for (DeadLetter letter : controller.deadLetters(group)) {
			if (letter.id().equals(id)) {
				return letter;
			}
		}
		return null;
	}

	/**
	 * Whether the caller sees a dead letter's message: shown values, and nothing sensitive at its
	 * path now (a value that cannot be read counts as sensitive).
	 */
	private static boolean showsMessage(StateController controller, DeadLetter letter, CallerAccess caller) {
		if (!caller.showsValues()) {
			return false;
		}
		Object value;
		try {
			value = controller.get(letter.path());
		}
		catch (RuntimeException ex) {
			return false;
		}
		return caller.showsMessageAbout(letter.path(), value);
	}

	/** Keeps the class name of an error described as {@code class: message}. */
	private static String exceptionClass(String error) {
		int colon = error.indexOf(':');
		return (colon >= 0) ? error.substring(0, colon) : error;
	}

}
