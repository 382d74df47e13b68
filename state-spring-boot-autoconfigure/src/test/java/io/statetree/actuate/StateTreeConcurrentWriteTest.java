package io.statetree.actuate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The path rules below a written path are checked against the value there at the moment of the
 * write: a protected field another caller writes while a write is being checked is not
 * overwritten or deleted by a caller without the rule's authority. The interleaving is forced:
 * the controller the endpoint sees lets the other caller's write land just before the endpoint's
 * first look at the tree.
 */
class StateTreeConcurrentWriteTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Map<String, Object> PROTECTED = Map.of("name", "a", "secret", "admin-wrote-this");

	@Test
	void aProtectedFieldWrittenDuringTheCheckIsNotOverwritten() {
		StateController real = StateController.builder().build();
		real.set("/list", List.of(Map.of("name", "a")));
		StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(
				interleaved(real, () -> real.set("/list", List.of(PROTECTED))), "/list/*/secret", Set.of("ROLE_X"));
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus())
			.isEqualTo(403);
		assertThat(real.get("/list")).isEqualTo(List.of(PROTECTED));
	}

	@Test
	void aProtectedFieldWrittenDuringTheCheckIsNotDeleted() {
		StateController real = StateController.builder().build();
		real.set("/list", List.of(Map.of("name", "a")));
		StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(
				interleaved(real, () -> real.set("/list", List.of(PROTECTED))), "/list/*/secret", Set.of("ROLE_X"));
		assertThat(endpoint.delete(WRITER, new String[] { "list" }).getStatus()).isEqualTo(403);
		assertThat(real.get("/list")).isEqualTo(List.of(PROTECTED));
	}

	@Test
	void withoutAConcurrentWriteTheWriterStillWritesAndDeletes() {
		StateController real = StateController.builder().build();
		real.set("/list", List.of(Map.of("name", "a")));
		StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(real, "/list/*/secret", Set.of("ROLE_X"));
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus())
			.isEqualTo(200);
		assertThat(real.get("/list")).isEqualTo(List.of(Map.of("name", "x")));
		assertThat(JSON.writeValueAsString(
				endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getBody()))
			.contains("\"changed\":false");
		assertThat(endpoint.delete(WRITER, new String[] { "list" }).getStatus()).isEqualTo(200);
		assertThat(real.exists("/list")).isFalse();
	}

	/**
	 * The controller, with another caller's write landing right after the endpoint's first look
	 * at the tree (a read), or, for an atomic update, just before it (the only place it can land).
	 */
	private static StateController interleaved(StateController real, Runnable otherWrite) {
		AtomicBoolean done = new AtomicBoolean();
		return (StateController) Proxy.newProxyInstance(StateController.class.getClassLoader(),
				new Class<?>[] { StateController.class }, (proxy, method, args) -> {
					String name = method.getName();
					boolean read = (name.equals("get") || name.equals("exists")) && args != null && args.length == 1;
					boolean update = name.equals("update");
					if (update && done.compareAndSet(false, true)) {
						otherWrite.run();
					}
					try {
						Object result = method.invoke(real, args);
						if (read && done.compareAndSet(false, true)) {
							otherWrite.run();
						}
						return result;
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
