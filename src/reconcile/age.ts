import { Encrypter, armor } from "age-encryption";

/**
 * Encrypts a secret to age recipients (`age1...` X25519, or the other recipient kinds the
 * age-encryption package accepts) and returns the ASCII-armored file that
 * `age -d -i <identity file>` decrypts. Throws an Error naming the bad recipient's index (never
 * the secret) when a recipient is not valid.
 */
export async function encryptSecretToRecipients(secret: string, recipients: readonly string[]): Promise<string> {
  if (recipients.length === 0) throw new Error("age_recipients: at least one recipient is required");
  const encrypter = new Encrypter();
  recipients.forEach((recipient, index) => {
    try {
      encrypter.addRecipient(recipient);
    } catch (error) {
      throw new Error(`age_recipients[${index}]: not a valid age recipient (${(error as Error).message})`);
    }
  });
  return armor.encode(await encrypter.encrypt(secret));
}
