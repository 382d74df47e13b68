package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeChangesEndpoint.ChangeDescriptor;
import io.statetree.actuate.StateTreeChangesEndpoint.ChangesDescriptor;
import io.statetree.actuate.StateTreeChangesEndpoint.CommitDescriptor;
import io.statetree.actuate.StateTreeEndpoint.ValueDescriptor;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's bounds on value sizes: a value whose JSON is longer than {@link #SHOWN_BYTES} is
 * shown (value pane, recent commits, event stream) as the marker
 * <code>{"truncated": true, "bytes": n}</code>, never its content; a write whose JSON body is
 * longer than {@link #WRITE_BYTES} is refused. Stateless and thread-safe.
 */
final class ConsoleValueBounds {

	/** The longest JSON (UTF-8 bytes) of a value the console shows in full: 8 KiB. */
	static final int SHOWN_BYTES = 8 * 1024;

	/** The longest JSON body (UTF-8 bytes) the console writes: 1 MiB. */
	static final int WRITE_BYTES = 1024 * 1024;

	private final JsonMapper jsonMapper;

	ConsoleValueBounds(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The value as the console shows it.
	 * @param value a value as presented to the caller (masked already)
	 * @return the value itself, or the marker when its JSON is longer than {@link #SHOWN_BYTES}
	 */
	@Nullable Object shown(@Nullable Object value) {
		if (value == null || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof String text && text.length() * 3L + 2 <= SHOWN_BYTES) {
			return value;
		}
		int bytes = this.jsonMapper.writeValueAsBytes(value).length;
		if (bytes <= SHOWN_BYTES) {
			return value;
		}
		Map<String, Object> marker = new LinkedHashMap<>();
		marker.put("truncated", true);
		marker.put("bytes", bytes);
		return marker;
	}

	/** A value or changes answer with its values bounded; other answers as they are. */
	WebEndpointResponse<Object> shown(WebEndpointResponse<Object> answer) {
		Object body = answer.getBody();
		if (body instanceof ValueDescriptor value) {
			return new WebEndpointResponse<>(new ValueDescriptor(value.path(), shown(value.value())),
					answer.getStatus());
		}
		if (body instanceof ChangesDescriptor changes) {
			List<CommitDescriptor> commits = new ArrayList<>(changes.commits().size());
			for (CommitDescriptor commit : changes.commits()) {
				List<ChangeDescriptor> bounded = new ArrayList<>(commit.changes().size());
				for (ChangeDescriptor change : commit.changes()) {
					bounded.add(new ChangeDescriptor(change.path(), shown(change.oldValue()),
							shown(change.newValue())));
				}
				commits.add(new CommitDescriptor(commit.revision(), commit.time(), commit.origin(), commit.actor(),
						commit.causedBy(), List.copyOf(bounded)));
			}
			return new WebEndpointResponse<>(
					new ChangesDescriptor(changes.revision(), changes.after(), changes.next(), List.copyOf(commits)),
					answer.getStatus());
		}
		return answer;
	}

}
