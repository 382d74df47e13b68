package io.statetree.redis;

import java.time.Duration;
import java.util.concurrent.Phaser;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.StateController;
import io.statetree.core.SubscribeOptions;
import io.statetree.redis.test.RedisTestServer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The child JVM of {@link RedisGroupMemberCrashTest}: joins group {@code mail} on
 * {@code /jobs/{id}} as instance {@code child} with a short claim timeout, prints {@code READY}
 * once it holds every partition, then prints {@code HANDLING <revision>} when its listener is
 * called and blocks there until killed. Arguments: host, port, namespace, claim timeout in ms.
 */
public final class GroupMemberCrashWorker {

	private GroupMemberCrashWorker() {
	}

	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory factory = RedisTestServer
			.createConnectionFactory(new RedisTestServer.Endpoint(args[0], Integer.parseInt(args[1]), "child"));
		RedisBackend backend = RedisBackend.builder(factory).namespace(args[2]).build();
		StateController controller = StateController.builder()
			.backend(backend)
			.instanceId("child")
			.groupClaimTimeout(Duration.ofMillis(Long.parseLong(args[3])))
			.build();
		Phaser never = new Phaser(1);
		controller.subscribe("/jobs/{id}", (event) -> {
			System.out.println("HANDLING " + event.revision());
			System.out.flush();
			never.awaitAdvance(0);
		}, SubscribeOptions.group("mail"));
		// joined (the group starts at the current revision): alone, it claims every partition
		while (backend.consumerGroups().groups().stream().noneMatch((g) -> g.members().stream()
			.anyMatch((m) -> m.startsWith("child")))) {
			LockSupport.parkNanos(20_000_000L);
		}
		System.out.println("READY");
		System.out.flush();
		never.awaitAdvance(0);
	}

}
