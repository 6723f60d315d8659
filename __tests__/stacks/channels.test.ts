import { propertiesOf, synthStack } from "../helpers";

describe("chat channels: the SecureStrings the user fills, and the commands that fill and apply them", () => {
  it("leaves the channel tokens out of Terraform (so out of its state): one command per token creates it", () => {
    const { tf } = synthStack({ openclaw: { channels: ["telegram", "discord", "slack", "whatsapp"] } });
    expect(propertiesOf(tf, "aws_ssm_parameter").filter((p) => String(p.name).includes("/channels/"))).toEqual([]);
    const commands = Object.keys(tf.output).filter((name) => name.endsWith("_token_command") && !name.startsWith("gateway_")).sort();
    expect(commands).toEqual(["discord_bot_token_command", "slack_app_token_command", "slack_bot_token_command", "telegram_bot_token_command"]);
  });

  it("outputs the exact put-parameter command per token (value through stdin, not the command line; under the stack's key, not aws/ssm), the apply and the WhatsApp login commands", () => {
    const { tf } = synthStack({ openclaw: { channels: ["slack", "whatsapp"] } });
    const value = (name: string) => String(tf.output[name]?.value);
    expect(value("slack_bot_token_command")).toBe('printf %s "$SLACK_BOT_TOKEN" | aws ssm put-parameter --region us-east-1 --name /openclaw/openclaw/channels/slack-bot-token --type SecureString --key-id alias/openclaw --overwrite --value file:///dev/stdin');
    expect(value("slack_app_token_command")).toBe('printf %s "$SLACK_APP_TOKEN" | aws ssm put-parameter --region us-east-1 --name /openclaw/openclaw/channels/slack-app-token --type SecureString --key-id alias/openclaw --overwrite --value file:///dev/stdin');
    expect(value("channels_apply_command")).toMatch(/^aws ssm send-command --region us-east-1 --instance-ids \$\{aws_instance\..+\.id\} --document-name AWS-RunShellScript --parameters 'commands=\["\/usr\/local\/lib\/openclaw-aws\/boot-gateway\.sh"\]'$/);
    expect(value("whatsapp_login_command")).toMatch(/--document-name AWS-StartInteractiveCommand --parameters '\{"command":\["sudo openclaw channels login --channel whatsapp"\]\}'$/);
    expect(tf.output.telegram_bot_token_command).toBeUndefined();
    // Another stack's commands name its own key.
    expect(String(synthStack({ stackName: "dev", openclaw: { channels: ["telegram"] } }).tf.output.telegram_bot_token_command.value)).toContain(
      "--name /openclaw/dev/channels/telegram-bot-token --type SecureString --key-id alias/openclaw-dev ",
    );
  });

  it("has no channel parameter or output by default", () => {
    const { tf } = synthStack();
    expect(propertiesOf(tf, "aws_ssm_parameter").some((p) => String(p.name).includes("/channels/"))).toBe(false);
    expect(Object.keys(tf.output).filter((name) => /channel|whatsapp/.test(name))).toEqual([]);
  });
});
