// /operator — the operator console starts at the account finder.
import { redirect } from "next/navigation";
import { operatorUser } from "../_lib/operator-user";

export default async function OperatorHome() {
  await operatorUser();
  redirect("/operator/accounts");
}
