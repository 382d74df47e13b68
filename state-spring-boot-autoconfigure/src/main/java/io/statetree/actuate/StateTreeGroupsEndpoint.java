package io.statetree.actuate;

import java.util.List;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code statetreegroups} endpoint: the durable group listeners (DESIGN §13) and their dead
 * letters.
 * <ul>
 * <li>{@link #groups()}: every group the backend knows, with its pattern, members, pending and
 * dead-letter counts (the {@code statetree} overview lists them too).</li>
 * <li>{@link #deadLetters(String)}: a group's dead letters, oldest first: id, path, revision,
 * attempts and the last error.</li>
 * </ul>
 * These operations serve every technology other than the web (JMX, when the application exposes
 * the endpoint there), for a caller trusted with the read role but holding no authority, as
 * {@link StateTreeEndpoint} describes: dead letters at paths a {@link PathRule} guards with
 * authorities are left out. Over HTTP, {@link StateTreeGroupsEndpointWebExtension} answers
 * instead, checks the caller's roles and path rules, and offers redelivering
 * ({@code POST /actuator/statetreegroups/{group}/{id}}) and discarding ({@code DELETE}) a dead
 * letter when the endpoint's access is {@code unrestricted}. The endpoint's default access is
 * read-only. An application that registers the endpoint itself registers the web extension with
 * it.
 * <p>
 * Thread-safe.
 */
@Endpoint(id = "statetreegroups", defaultAccess = Access.READ_ONLY)
public class StateTreeGroupsEndpoint {

	private final StateController controller;

	private final StateTreeAccess access;

	/**
	 * Creates the endpoint.
	 * @param controller the controller whose groups it shows
	 * @param access the access policy
	 */
	public StateTreeGroupsEndpoint(StateController controller, StateTreeAccess access) {
		this.controller = controller;
		this.access = access;
	}

	/**
	 * Lists the groups.
	 * @return the groups, by name
	 */
	@ReadOperation
	public GroupsDescriptor groups() {
		return new GroupsDescriptor(GroupDescriptors.groups(this.controller));
	}

	/**
	 * Lists a group's dead letters.
	 * @param group the group's name
	 * @return the dead letters, oldest first (none for an unknown group), without those at paths
	 * a path rule guards
	 * @throws InvalidEndpointRequestException if the name is not a valid group name
	 */
	@ReadOperation
	public DeadLettersDescriptor deadLetters(@Selector String group) {
		try {
			return new DeadLettersDescriptor(group,
					GroupDescriptors.deadLetters(this.controller, group, this.access.operator()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
	}

	StateController controller() {
		return this.controller;
	}

	StateTreeAccess access() {
		return this.access;
	}

	/**
	 * What {@code GET /actuator/statetreegroups} answers.
	 * @param groups the groups, by name
	 */
	public record GroupsDescriptor(List<GroupDescriptor> groups) {
	}

	/**
	 * A durable group listener.
	 * @param group its name
	 * @param pattern its pattern (every member subscribes with it); {@code null} when the store
	 * does not know it
	 * @param members the members alive ({@code instanceId/listenerId})
	 * @param pending the commits after the group's slowest partition's acknowledged revision, not
	 * yet handled
	 * @param deadLetters the number of dead letters
	 */
	public record GroupDescriptor(String group, @Nullable String pattern, List<String> members, long pending,
			int deadLetters) {
	}

	/**
	 * What {@code GET /actuator/statetreegroups/{group}} answers.
	 * @param group the group
	 * @param deadLetters its dead letters the caller may see, oldest first
	 */
	public record DeadLettersDescriptor(String group, List<DeadLetterDescriptor> deadLetters) {
	}

	/**
	 * A dead letter.
	 * @param id its id, unique in the group
	 * @param group the group
	 * @param path the event's path
	 * @param revision the revision of the commit the event came from
	 * @param attempts how many times the listener was called
	 * @param error the last failure: the exception's class and message (the class alone for a
	 * caller who is not shown values, since an application's message may quote a value)
	 */
	public record DeadLetterDescriptor(String id, String group, String path, long revision, int attempts,
			String error) {
	}

	/**
	 * The outcome of redelivering or discarding a dead letter.
	 * @param group the group
	 * @param id the dead letter's id
	 * @param outcome {@code redelivered} or {@code discarded}
	 */
	public record DeadLetterActionDescriptor(String group, String id, String outcome) {
	}

}
